// The migration of 2026-12-03 on data that already exists: decisions stored by ruleset 1.0.0 (a
// dump made with the first rules, test/fixtures/ledger-v1.json — see test/fixtures/README.md) are
// loaded into a database at the previous migration, then migrated. The totals stay, the ledgers are
// re-keyed by enterprise, the tax days are backfilled, the audit chain still verifies, every old
// decision replays identically under its own ruleset, and new applications see the migrated ledgers.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { verifyAudit } from '../../src/audit/verify.ts'
import { createApiKey } from '../../src/db/keys-repository.ts'
import { migrateToLatest } from '../../src/db/migrator.ts'
import { replayDecision } from '../../src/decisions/replay.ts'
import { foldCase, subjectKey } from '../../src/engine/ledgers.ts'
import { RULESET } from '../../src/engine/ruleset.ts'
import type { Application } from '../../src/engine/types.ts'
import { bearer } from '../helpers/fixtures.ts'
import { legacyDatabase, legacyDump } from '../helpers/legacy-dump.ts'

const A = '91530300MA6K5A1B2G'
const B = '91530100MA6N2X3P4X'
const dump = legacyDump

t.test('migrating decisions stored by ruleset 1.0.0', async (t) => {
  const database = await legacyDatabase(t)
  const db = database.db
  const before = await sql<{ ledger: string; total: string }>`
    select ledger, sum(total)::numeric(18, 2)::text as total from ledger_subjects group by ledger order by ledger`.execute(
    db,
  )
  t.same(
    before.rows.find((r) => r.ledger === 'interest-subsidy')?.total,
    '10000000.00',
    'under 1.0.0 two enterprises shared the cap of "P-1"',
  )

  await migrateToLatest(db)

  t.test('totals are unchanged, and now each enterprise’s own', async (t) => {
    const after = await sql<{ key: string; total: string }>`
      select key, total::text from ledger_subjects where ledger = 'interest-subsidy' and total > 0 order by key`.execute(
      db,
    )
    const sum = after.rows.reduce((s, r) => s + Math.round(Number(r.total) * 100), 0)
    t.equal(sum, 1_000_000_000, 'the interest-subsidy total is still 10 000 000.00 in fen')
    t.same(
      Object.fromEntries(after.rows.map((r) => [r.key, r.total])),
      {
        [subjectKey({ ledger: 'interest-subsidy', creditCode: A, projectId: 'P-1' })]: '7200000.00',
        [subjectKey({ ledger: 'interest-subsidy', creditCode: B, projectId: 'P-1' })]: '2800000.00',
      },
      'A keeps its 7 200 000.00; B’s 2 800 000.00 is B’s',
    )
    const once = await sql<{ ledger: string; key: string; item: string; credit_code: string }>`
      select ledger, key, item, credit_code from ledger_once order by ledger, key`.execute(db)
    t.equal(once.rows.length, dump['ledger_once']!.length, 'every one-time grant kept')
    // keys with their letters upper-cased since 2026-12-06T2100 (ruleset 1.5.0: foldKey)
    t.match(once.rows, [
      { ledger: 'rd-platform-grant', key: 'NERC-RARE-METALS', item: 'national' },
      { ledger: 'research-institute-award', key: 'CHUXIONG-PLANT-EXTRACTS-INSTITUTE', item: '' },
      { ledger: 'talent-award-year', key: 'TALENT-0001', item: '2015' },
      { ledger: 'top3-award-year', key: '91530100MA6Q8H3D5K', item: '2015' },
    ])
    t.ok(
      once.rows.every((r) => typeof r.credit_code === 'string' && r.credit_code.length === 18),
      'each grant names its enterprise',
    )
  })

  t.test('the tax ledgers are backfilled from the stored decisions, a day once', async (t) => {
    const days = await sql<{ key: string; from_date: string; to_date: string }>`
      select key, from_date::text, to_date::text from ledger_periods order by key, from_date`.execute(db)
    // keys folded since 2026-12-06T2100 (foldCase: a–z upper-cased)
    const startsWith = (key: string, text: string) => key.startsWith(foldCase(text))
    const emerging = days.rows.filter((r) => startsWith(r.key, '["emerging-project-tax-reward"'))
    // POLICY.md §5 example 3 was paid twice under 1.0.0 (two applications, then a correction of the
    // second): its VAT and EIT days of 2015 are now recorded once, for the earliest decision.
    t.same(
      emerging.map((r) => [JSON.parse(r.key).at(-1), r.from_date, r.to_date]),
      [
        [foldCase('enterpriseIncomeTax'), '2015-01-01', '2015-12-31'],
        [foldCase('vat'), '2015-01-01', '2015-12-31'],
      ],
    )
    t.ok(
      days.rows.some((r) => startsWith(r.key, '["startup-tech-sme-tax-reward"')),
      'the startup reward’s days',
    )
    t.ok(
      days.rows.some(
        (r) => startsWith(r.key, '["emerging-top3-tax-reward"') && r.from_date.startsWith('2015'),
      ),
      'the top-3 award year’s days (not the year before)',
    )
    t.notOk(
      days.rows.some(
        (r) => startsWith(r.key, '["emerging-top3-tax-reward"') && r.from_date.startsWith('2014'),
      ),
    )
  })

  t.test('the audit chain still verifies', async (t) => {
    const report = await verifyAudit(db)
    t.equal(report.valid, true, JSON.stringify(report.problem))
    t.equal(report.checked, dump['audit_log']!.length)
  })

  t.test('every stored decision replays identically under its own ruleset (1.0.0)', async (t) => {
    const decisions = await sql<{
      id: string
      evaluation: unknown
      parameters: unknown
      history: unknown
      as_of: string
      facts: Application
    }>`select d.id, d.evaluation::jsonb as evaluation, d.parameters, d.history, d.as_of::text, a.facts
       from decisions d join applications a on a.id = d.application_id order by d.seq`.execute(db)
    t.equal(decisions.rows.length, dump['decisions']!.length)
    for (const d of decisions.rows) {
      const replay = replayDecision({ ...d, asOf: d.as_of }, d.facts, 'stored', 'en')
      t.equal(replay.replayedRuleset.version, '1.0.0')
      t.same(replay.differences, [], `decision ${d.id} reproduced field by field`)
    }
    const current = decisions.rows.map((d) =>
      replayDecision({ ...d, asOf: d.as_of }, d.facts, 'current', 'en'),
    )
    t.ok(
      current.every((r) => r.replayedRuleset.version === RULESET.version && r.differences.length > 0),
      '?ruleset=current shows the new rules’ difference (the policy window in every trace, at least)',
    )
  })

  t.test('new applications see the migrated ledgers', async (t) => {
    const app = await buildApp({ database })
    t.teardown(() => app.close())
    const key = (
      await db
        .transaction()
        .execute((trx) => createApiKey(trx, { role: 'finance', enterprise: null }, 'system'))
    ).key
    const example = (name: string) =>
      JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'examples', `${name}.json`), 'utf8'))
        .application as Application
    const post = (facts: Application) =>
      app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(key), 'idempotency-key': crypto.randomUUID() },
        payload: facts,
      })
    const outcome = async (facts: Application, measure: string) => {
      const response = await post(facts)
      t.equal(response.statusCode, 201)
      return response
        .json()
        .decisions[0].evaluation.outcomes.find((o: { measure: string }) => o.measure === measure)
    }
    t.match(
      await outcome(example('emerging-project-tax-reward'), 'emerging-project-tax-reward'),
      { status: 'ineligible', reasons: [{ code: 'ALREADY_REWARDED' }] },
      'POLICY.md §5 example 3 a third time: nothing left to reward',
    )
    const deep = example('interest-subsidy')
    const more = (creditCode: string) => ({
      ...deep,
      enterprise: { creditCode, name: creditCode },
      project: { ...deep.project!, id: 'P-1', investment: '100000000.00' },
    })
    t.match(await outcome(more(A), 'interest-subsidy'), { status: 'eligible', amount: '2800000.00' })
    t.match(await outcome(more(B), 'interest-subsidy'), { status: 'eligible', amount: '6000000.00' })
    t.equal((await verifyAudit(db)).valid, true, 'and the chain still verifies')
  })
})
