// The migration of 2026-12-06T2100 (ledger keys without letter case, ruleset 1.5.0) on data that
// already exists. Before it, one id spelled two ways was two subjects and was paid twice; this test
// writes such data with the service as it was (keys stored and compared as written: the ledger and
// ruleset modules mocked back to that), migrates, and checks that
// - the spellings' rows are one subject each: totals summed (the cap raised to what was paid), the
//   earliest decision's one-time grant and rewarded days kept;
// - the audit verifies, derived state included (the journal keeps what it recorded);
// - a new application under any spelling finds what was granted, and gets nothing more;
// - the derived check still sees a grant removed after the merge.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { verifyAudit } from '../../src/audit/verify.ts'
import { migrateToLatest, migrator } from '../../src/db/migrator.ts'
import * as ledgers from '../../src/engine/ledgers.ts'
import * as ruleset from '../../src/engine/ruleset.ts'
import type { Application } from '../../src/engine/types.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, ENTERPRISE_A, ENTERPRISE_B, keysFor } from '../helpers/fixtures.ts'

const BEFORE = '2026-12-06T0700-queue-place'

const example = (name: string): Application =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'examples', `${name}.json`), 'utf8'))
    .application

const platform = (id: string, creditCode: string): Application => {
  const facts = example('rd-platform-grant')
  return {
    ...facts,
    enterprise: { creditCode, name: `Enterprise ${creditCode.slice(-4)}` },
    claims: { rdPlatforms: [{ ...facts.claims!.rdPlatforms![0]!, id }] },
  }
}

const panels = (projectId: string): Application => {
  const facts = example('emerging-project-tax-reward')
  return { ...facts, project: { ...facts.project!, id: projectId } }
}

type App = Awaited<ReturnType<typeof buildApp>>

t.test('ledger keys folded on data stored before ruleset 1.5.0', async (t) => {
  const database = await testDatabase(t, { migrate: false })
  const to = await migrator(database.db).migrateTo(BEFORE)
  if (to.error) throw to.error
  const keys = await keysFor(database)
  const submit = async (app: App, facts: Application) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
      payload: facts,
    })
    t.equal(response.statusCode, 201, response.statusCode === 201 ? 'stored' : response.body)
    const decision = response.json().decisions[0]
    return {
      id: decision.id as string,
      outcome: (measure: string) =>
        (
          decision.evaluation.outcomes as {
            measure: string
            status: string
            amount: string | null
            reasons: { code: string }[]
          }[]
        ).find((o) => o.measure === measure)!,
    }
  }

  // The service before the fix: ruleset 1.4.0, keys stored and compared as written.
  const { buildApp: buildBefore } = await t.mockImport<typeof import('../../src/app.ts')>(
    '../../src/app.ts',
    {
      '../../src/engine/ledgers.ts': {
        ...ledgers,
        subjectKey: ledgers.writtenKey,
        foldKey: (_ledger: string, key: string) => key,
      },
      '../../src/engine/ruleset.ts': {
        ...ruleset,
        RULESET: { ...ruleset.RULESET, version: '1.4.0' },
        foldsLedgerKeys: () => false,
      },
    },
  )
  const before = await buildBefore({ database })
  const labA = await submit(before, platform('Case-Lab', ENTERPRISE_A))
  const labB = await submit(before, platform('case-lab', ENTERPRISE_B))
  const foilUpper = await submit(before, deepProcessing('QJ-COPPER-FOIL', '120000000.00'))
  const foilLower = await submit(before, deepProcessing('qj-copper-foil', '120000000.00'))
  const panelsUpper = await submit(before, panels('PANELS'))
  const panelsLower = await submit(before, panels('panels'))
  // a third spelling, for days that only partly overlap the first's: 2015-07-01 to 2016-04-30
  const panelsPartly = await submit(before, {
    ...panels('PaNeLs'),
    applicationDate: '2017-02-01',
    project: {
      ...panels('PaNeLs').project!,
      taxRecords: [{ from: '2015-07-01', to: '2016-04-30', vat: '900000.00' }],
    },
  })
  const institute = await submit(before, example('research-institute-award'))
  await before.close()
  t.equal(panelsPartly.outcome('emerging-project-tax-reward').status, 'eligible')
  t.equal(institute.outcome('research-institute-award').status, 'eligible')
  const versions = await sql<{ v: string }>`select distinct ruleset_version as v from decisions`.execute(
    database.db,
  )
  t.same(versions.rows, [{ v: '1.4.0' }], 'stored as ruleset 1.4.0 stored them')
  t.same(
    [
      labA.outcome('rd-platform-grant').amount,
      labB.outcome('rd-platform-grant').amount,
      foilUpper.outcome('interest-subsidy').amount,
      foilLower.outcome('interest-subsidy').amount,
      panelsUpper.outcome('emerging-project-tax-reward').amount,
      panelsLower.outcome('emerging-project-tax-reward').amount,
    ],
    ['3000000.00', '3000000.00', '7200000.00', '7200000.00', '450000.00', '450000.00'],
    'before: each spelling was paid (the harm this migration ends)',
  )

  await migrateToLatest(database.db)
  const db = database.db

  t.test('one subject per id: totals summed, the earliest grant kept', async (t) => {
    const subjects = await sql<{ key: string; total: string; cap: string | null }>`
      select key, total::text, cap::text from ledger_subjects
      where ledger = 'interest-subsidy' and upper(key) like ${'%QJ-COPPER-FOIL%'}`.execute(db)
    t.same(
      subjects.rows,
      [{ key: JSON.stringify([ENTERPRISE_A, 'QJ-COPPER-FOIL']), total: '14400000.00', cap: '14400000.00' }],
      'what was paid, in one row; the cap raised to it so nothing more can be granted',
    )
    const once = await sql<{ key: string; decision_id: string }>`
      select key, decision_id from ledger_once where ledger = 'rd-platform-grant'`.execute(db)
    t.same(once.rows, [{ key: 'CASE-LAB', decision_id: labA.id }], 'the platform held by the first decision')
    const days = await sql<{ key: string; decision_id: string; from_date: string; to_date: string }>`
      select key, decision_id, from_date::text, to_date::text from ledger_periods
      where ledger = 'tax-days' and key like ${'%PANELS%'} order by key, from_date`.execute(db)
    t.ok(
      days.rows.every((r) => r.key === ledgers.foldCase(r.key)),
      'under folded keys',
    )
    t.same(
      days.rows.map((r) => [r.decision_id, r.from_date, r.to_date]),
      [
        // EIT, then VAT (the keys' order): 2015 for the first spelling (the second's same days, same
        // first day, are one row), and the third spelling's VAT days, which only partly overlap
        [panelsUpper.id, '2015-01-01', '2015-12-31'],
        [panelsUpper.id, '2015-01-01', '2015-12-31'],
        [panelsPartly.id, '2015-07-01', '2016-04-30'],
      ],
      'every day paid stays rewarded',
    )
  })

  t.test('the database folds a key exactly as the engine does', async (t) => {
    // letters of several scripts and cases (ß, dotted and dotless i, ligatures, full-width), JSON
    // punctuation and escapes: only a–z change, on both sides, whatever the server's locale
    const alphabet = [...'aZmq09-_/ :[]",\\\nßİıﬀｅЕеΩω字é']
    const random = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('')
    const samples = [
      ...Array.from({ length: 200 }, (_, i) => random(1 + (i % 24))),
      ledgers.subjectKey({ ledger: 'interest-subsidy', creditCode: ENTERPRISE_A, projectId: 'qj-Foil\n"x"' }),
      ledgers.writtenKey({ ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: 'qujing' }),
    ]
    const ledgerOf = (i: number) => (i % 5 === 0 ? 'budget' : 'rd-platform-grant')
    const folded = await sql<{ k: string }>`
      select ledger_key_fold(l, k) as k
      from unnest(${samples.map((_, i) => ledgerOf(i))}::text[], ${samples}::text[]) with ordinality as u(l, k, n)
      order by n`.execute(db)
    t.same(
      folded.rows.map((r) => r.k),
      samples.map((k, i) => ledgers.foldKey(ledgerOf(i), k)),
    )
  })

  t.test('the audit verifies, derived state included', async (t) => {
    const report = await verifyAudit(db)
    t.equal(report.valid, true, JSON.stringify(report.problem ?? report.derived))
  })

  t.test('a new application finds what was granted, under any spelling', async (t) => {
    const app = await buildApp({ database })
    t.teardown(() => app.close())
    const lab = await submit(app, platform('CASE-lab', ENTERPRISE_B))
    t.match(lab.outcome('rd-platform-grant'), {
      status: 'ineligible',
      reasons: [{ code: 'ALREADY_GRANTED' }],
    })
    const foil = await submit(app, deepProcessing('Qj-Copper-Foil', '10000000.00'))
    t.match(
      foil.outcome('interest-subsidy'),
      { amount: '0.00', reasons: [{ code: 'CAP_REACHED' }] },
      'the project is past its cap: nothing more',
    )
    const tax = await submit(app, panels('Panels'))
    t.match(tax.outcome('emerging-project-tax-reward'), {
      status: 'ineligible',
      reasons: [{ code: 'ALREADY_REWARDED' }],
    })
    const report = await verifyAudit(db)
    t.equal(report.valid, true, JSON.stringify(report.problem ?? report.derived))
  })

  t.test('a merged grant removed is still caught', async (t) => {
    const ROLLBACK = new Error('roll back')
    let report: Awaited<ReturnType<typeof verifyAudit>> | undefined
    await db
      .transaction()
      .execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx)
        await sql`delete from ledger_once where ledger = 'rd-platform-grant'`.execute(trx)
        report = await verifyAudit(trx)
        throw ROLLBACK
      })
      .catch((error) => {
        if (error !== ROLLBACK) throw error
      })
    t.equal(report?.valid, false)
    // the first decision's grant, and the second spelling's, which counted as held only while it was
    t.match(report?.derived?.mismatches, [
      { table: 'ledger_once', row: 'rd-platform-grant CASE-LAB national', actual: 'missing' },
      { table: 'ledger_once', row: 'rd-platform-grant CASE-LAB national', actual: 'missing' },
    ])
  })

  t.test('days paid under a spelling whose period only partly overlapped stay rewarded', async (t) => {
    const app = await buildApp({ database })
    t.teardown(() => app.close())
    const again = await submit(app, {
      ...panels('Panels'),
      applicationDate: '2017-02-01',
      project: {
        ...panels('Panels').project!,
        taxRecords: [{ from: '2016-01-01', to: '2016-04-30', vat: '600000.00' }],
      },
    })
    t.match(again.outcome('emerging-project-tax-reward'), {
      status: 'ineligible',
      reasons: [{ code: 'ALREADY_REWARDED' }],
    })
  })

  t.test('a correction of the decision holding a merged grant hands it over', async (t) => {
    const app = await buildApp({ database })
    t.teardown(() => app.close())
    const r = await app.inject({
      method: 'POST',
      url: `/v1/decisions/${labA.id}/corrections`,
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
      payload: { reason: 'another platform', facts: platform('Other-Lab', ENTERPRISE_A) },
    })
    t.equal(r.statusCode, 201, r.body)
    const once = await sql<{ key: string; decision_id: string; credit_code: string }>`
      select key, decision_id, credit_code from ledger_once
      where ledger = 'rd-platform-grant' and key = 'CASE-LAB'`.execute(db)
    t.same(
      once.rows,
      [{ key: 'CASE-LAB', decision_id: labB.id, credit_code: ENTERPRISE_B }],
      'held now by the other decision granted it (case-lab, enterprise B)',
    )
    const third = await submit(app, platform('CASE-LAB', ENTERPRISE_B))
    t.match(third.outcome('rd-platform-grant'), {
      status: 'ineligible',
      reasons: [{ code: 'ALREADY_GRANTED' }],
    })
    const report = await verifyAudit(db)
    t.equal(report.valid, true, JSON.stringify(report.derived))
  })

  t.test('a legacy grant deleted, then paid again under another spelling, is caught', async (t) => {
    await sql`delete from ledger_once where ledger = 'research-institute-award'`.execute(db)
    const app = await buildApp({ database })
    t.teardown(() => app.close())
    const fresh = example('research-institute-award')
    const legacy = await sql<{ n: number }>`
      select count(*)::int as n from ledger_entries where ledger = 'research-institute-award'`.execute(db)
    t.equal(legacy.rows[0]!.n, 1, 'a legacy institute grant in the journal')
    const id = fresh.claims!.researchEvents![0]!.id
    const paid = await submit(app, {
      ...fresh,
      enterprise: { creditCode: ENTERPRISE_B, name: 'Copycat Co.' },
      claims: { researchEvents: fresh.claims!.researchEvents!.map((e) => ({ ...e, id: id.toUpperCase() })) },
    })
    t.equal(paid.outcome('research-institute-award').status, 'eligible', 'the row gone, it is paid again')
    const report = await verifyAudit(db)
    t.equal(report.valid, false, 'the audit says so')
    t.match(report.derived?.mismatches, [{ table: 'ledger_once', actual: 'missing' }])
  })
})
