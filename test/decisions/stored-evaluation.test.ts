// The versioned reader (src/decisions/stored-evaluation.ts): decisions stored before migration
// 2026-12-03T1545 hold the full evaluation of their ruleset, with its parametersUsed beside it, and
// are read as they are; those stored after hold the compact record. Both read, summarise and replay
// the same. The fixture of test/db/ledger-migration.test.ts covers 1.0.0 rows with their audit
// chain; here a stored row is put back into the previous form for 1.1.0 and 1.2.0.

import { sql } from 'kysely'
import t from 'tap'
import { verifyAudit } from '../../src/audit/verify.ts'
import { decisionEntity, entityHash } from '../../src/db/entities.ts'
import { diff } from '../../src/decisions/replay.ts'
import { evaluate } from '../../src/engine/evaluate.ts'
import { RULESET, type RulesetVersion } from '../../src/engine/ruleset.ts'
import { withConsequenceTexts } from '../../src/i18n/consequences.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

t.test('full evaluations stored before the compact record', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  // In English: the language the full evaluations were stored in (a compact record renders in either).
  const get = async (url: string) =>
    (
      await app.inject({ method: 'GET', url, headers: { ...bearer(keys.auditor), 'accept-language': 'en' } })
    ).json()

  for (const version of ['1.1.0', '1.2.0'] as const satisfies readonly RulesetVersion[]) {
    const facts = deepProcessing(`p-${version}`, '120000000.00')
    const posted = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': `full-${version}` },
      payload: facts,
    })
    t.equal(posted.statusCode, 201)
    const id: string = posted.json().decisions[0].id
    const compactFull = await get(`/v1/decisions/${id}?explain=full`)
    const compactSummary = await get(`/v1/decisions/${id}`)

    // The row as the previous version stored it under `version`.
    const full = JSON.parse(JSON.stringify(evaluate(facts, { ruleset: version })))
    // (decisions are append-only: the owner's tampering switches the guard off for this transaction)
    await database.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await sql`update decisions set record_format = 'full', ruleset_version = ${version},
                  evaluation = ${JSON.stringify(full)}::jsonb, parameters = ${JSON.stringify(full.parametersUsed)}::jsonb
                where id = ${id}`.execute(trx)
    })

    const read = await get(`/v1/decisions/${id}?explain=full`)
    t.same(
      read.evaluation,
      withConsequenceTexts(full),
      `${version}: read as stored (gates' consequences in words)`,
    )
    const summary = await get(`/v1/decisions/${id}`)
    t.notOk('trace' in summary.evaluation.outcomes[0], `${version}: the summary has no trace`)
    t.same(
      summary.evaluation.outcomes.map((o: { status: string; amount: string }) => [o.status, o.amount]),
      compactSummary.evaluation.outcomes.map((o: { status: string; amount: string }) => [o.status, o.amount]),
      `${version}: the same outcomes as the compact record`,
    )
    // 1.3.0 changed only the words of reasons naming a vocabulary value (this project is an
    // expansion: NOT_NEW_BUILD), so the view is the current ruleset's but for those and the version.
    if (version === '1.2.0') {
      const differences = diff(read.evaluation, compactFull.evaluation).map((d) => d.path)
      t.same(
        differences.filter((p) => !/^\/outcomes\/\d+\/reasons\/\d+\/message\/(zh|en)$/.test(p)),
        ['/ruleset/version'],
        '1.2.0: the same auditor view as the current ruleset’s but for the version and reasons’ words',
      )
      t.equal(compactFull.evaluation.ruleset.version, RULESET.version)
    }
    const replay = await app.inject({
      method: 'POST',
      url: `/v1/decisions/${id}/replay`,
      headers: bearer(keys.auditor),
    })
    t.match(
      replay.json(),
      { identical: true, differences: [], replayedRuleset: { version } },
      `${version}: replays`,
    )
  }

  t.test('the format is part of the audited entity', async (t) => {
    const row = (
      await sql<Parameters<typeof decisionEntity>[0]>`
        select id, application_id, ruleset_id, ruleset_version, as_of::text, total_amount::text, evaluation,
               parameters, history, supersedes, correction_reason, decided_by, record_format
        from decisions where record_format = 'full' limit 1`.execute(database.db)
    ).rows[0]!
    t.notOk('recordFormat' in decisionEntity(row), 'a full row hashes as before the marker existed')
    t.not(
      entityHash(decisionEntity({ ...row, record_format: 'compact' })),
      entityHash(decisionEntity(row)),
      'the marker changes the hash',
    )
    // The rows rewritten above no longer match their audit entries: an edit shows.
    const report = await verifyAudit(database.db)
    t.equal(report.valid, false)
    t.equal(report.problem, 'entity-hash-mismatch')
  })
})
