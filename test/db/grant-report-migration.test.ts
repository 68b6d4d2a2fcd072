// The migration of 2026-12-03T1620 (grant report columns) on data that already exists: the frozen
// 1.0.0 dump (test/fixtures/ledger-v1.json) is loaded at the migration before the ledgers were
// re-keyed, migrated to the one before this, then to the latest. Every outcome row gets its report
// columns from its decision and application (computed here independently from the dump), the
// superseded decision's outcomes are not current, the table stays append-only but for clearing
// `current`, and a correction stored afterwards clears it through the trigger.
// Migration 2026-12-04T1810-lean-outcomes then folds the plain ineligible outcomes into one
// decision_ineligible row per decision and drops two columns: every outcome is read back here from
// the view decision_outcomes_all (the dropped columns from their joins), every figure of the report
// is the same before and after it, and both tables stay append-only.

import { sql } from 'kysely'
import t from 'tap'
import { migrateToLatest, migrator } from '../../src/db/migrator.ts'
import { testApp } from '../helpers/app.ts'
import { bearer, keysFor } from '../helpers/fixtures.ts'
import { legacyDatabase, legacyDump } from '../helpers/legacy-dump.ts'

type Row = Record<string, unknown>
const dump = legacyDump as Record<string, Row[]>
const BEFORE = '2026-12-03T1610-batches'
const BEFORE_LEAN = '2026-12-03T1720-finance-fixes'

t.test('report columns backfilled on the 1.0.0 data', async (t) => {
  const database = await legacyDatabase(t)
  const db = database.db
  const to = async (name: string) => {
    const r = await migrator(db).migrateTo(name)
    if (r.error) throw r.error
  }
  await to(BEFORE)
  await to(BEFORE_LEAN)
  // Every figure the report groups, before the outcomes are folded (compared after).
  const figures = (table: string) => sql<Row>`
    select measure, status, year, prefecture, application_date::text as date, current, count(*)::int as n,
           count(distinct decision_id)::int as decisions, count(distinct application_id)::int as applications,
           sum(amount_due)::text as due, sum(amount_paid)::text as paid, sum(amount_unfunded)::text as unfunded,
           count(amount)::int as amounts
    from ${sql.table(table)} group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`
  const figuresBefore = (await figures('decision_outcomes').execute(db)).rows
  const rowsBefore = Number(
    (await sql<{ n: number }>`select count(*)::int as n from decision_outcomes`.execute(db)).rows[0]!.n,
  )
  await migrateToLatest(db)

  const decisions = new Map(dump['decisions']!.map((d) => [d['id'] as string, d]))
  const applications = new Map(dump['applications']!.map((a) => [a['id'] as string, a]))
  const superseded = new Set<unknown>(
    dump['decisions']!.map((d) => d['supersedes']).filter((s) => s !== null),
  )
  t.equal(superseded.size, 1, 'the dump holds one correction')

  const rows = (
    await sql<Row>`select o.decision_id, o.measure, o.status, o.amount, o.application_id, o.prefecture, o.year,
                          o.application_date::text as application_date, a.enterprise_credit_code,
                          o.amount_due::text as amount_due, o.amount_paid::text as amount_paid,
                          o.amount_unfunded::text as amount_unfunded, d.created_at as decided_at, o.current
                   from decision_outcomes_all o join decisions d on d.id = o.decision_id
                   join applications a on a.id = o.application_id`.execute(db)
  ).rows
  t.equal(rows.length, dump['decision_outcomes']!.length, 'every outcome row is still there')
  let checked = 0
  for (const o of dump['decision_outcomes']!) {
    const row = rows.find((r) => r['decision_id'] === o['decision_id'] && r['measure'] === o['measure'])!
    const d = decisions.get(o['decision_id'] as string)!
    const a = applications.get(d['application_id'] as string)!
    const facts = a['facts'] as { project?: { prefecture?: string } }
    const amount = (o['amount'] as string | null) ?? '0.00'
    const paid = o['status'] === 'eligible' ? amount : '0.00'
    t.same(
      {
        ...row,
        decided_at: new Date(row['decided_at'] as string).toISOString(),
      },
      {
        decision_id: o['decision_id'],
        measure: o['measure'],
        status: o['status'],
        amount: o['amount'],
        application_id: a['id'],
        prefecture: facts.project?.prefecture ?? null,
        year: Number((a['application_date'] as string).slice(0, 4)),
        application_date: a['application_date'],
        enterprise_credit_code: a['enterprise_credit_code'],
        amount_due: paid,
        amount_paid: paid,
        amount_unfunded: '0.00',
        decided_at: new Date(d['created_at'] as string).toISOString(),
        current: !superseded.has(d['id']),
      },
      `${(o['decision_id'] as string).slice(0, 8)} ${o['measure']}`,
    )
    checked++
  }
  t.equal(checked, 168)
  const paid = await sql<{ paid: string }>`
    select sum(amount_paid)::text as paid from decision_outcomes where current`.execute(db)
  const expectedPaid = dump['decision_outcomes']!.filter(
    (o) => o['status'] === 'eligible' && o['amount'] !== null && !superseded.has(o['decision_id']),
  ).reduce((s, o) => s + BigInt((o['amount'] as string).replace('.', '')), 0n)
  t.equal(paid.rows[0]!.paid.replace('.', ''), expectedPaid.toString(), 'paid over current decisions')

  t.same(
    (await figures('decision_outcomes_all').execute(db)).rows,
    figuresBefore,
    'every report figure the same after the outcomes are folded',
  )
  const stored = (
    await sql<{ rows: number; folded: number; plain: number }>`
      select (select count(*)::int from decision_outcomes) as rows,
             (select count(*)::int from decision_ineligible) as folded,
             (select count(*)::int from decision_outcomes o join outcome_measures m using (measure)
               where o.status = 'ineligible' and o.amount is null) as plain`.execute(db)
  ).rows[0]!
  t.equal(stored.plain, 0, 'no plain ineligible outcome of a known measure is left as a row')
  t.ok(
    stored.folded > 0 && stored.rows < rowsBefore,
    `${rowsBefore} rows → ${stored.rows} rows + ${stored.folded} folded`,
  )

  t.test('still append-only, but for clearing current', async (t) => {
    const kept = (await sql<Row>`select decision_id, current from decision_outcomes`.execute(db)).rows
    const target = kept.find((r) => r['current'] === true)!
    await t.rejects(
      sql`update decision_outcomes set amount_paid = 1 where decision_id = ${target['decision_id']}`.execute(
        db,
      ),
      /append-only/,
      'amounts cannot change',
    )
    await t.rejects(
      sql`update decision_outcomes set current = false, status = case when status = 'eligible' then 'capped' else 'eligible' end where decision_id = ${target['decision_id']}`.execute(
        db,
      ),
      /append-only/,
      'nothing may change with current',
    )
    const old = kept.find((r) => r['current'] === false)!
    await t.rejects(
      sql`update decision_outcomes set current = true where decision_id = ${old['decision_id']}`.execute(db),
      /append-only/,
      'a superseded decision never becomes current again',
    )
    await t.rejects(
      sql`delete from decision_outcomes where decision_id = ${target['decision_id']}`.execute(db),
      /append-only/,
      'no delete',
    )
    const folded = (await sql<Row>`select decision_id from decision_ineligible where current`.execute(db))
      .rows[0]!
    await t.rejects(
      sql`update decision_ineligible set measures = 1 where decision_id = ${folded['decision_id']}`.execute(
        db,
      ),
      /append-only/,
      'folded outcomes cannot change',
    )
    await t.rejects(
      sql`delete from decision_ineligible where decision_id = ${folded['decision_id']}`.execute(db),
      /append-only/,
      'no delete of folded outcomes',
    )
  })

  t.test('the store path writes the columns, and a correction clears current', async (t) => {
    const app = await testApp(t, database)
    const keys = await keysFor(database)
    const current = dump['decisions']!.find(
      (d) =>
        !superseded.has(d['id']) &&
        (applications.get(d['application_id'] as string)!['facts'] as { project?: unknown }).project,
    )!
    const r = await app.inject({
      method: 'POST',
      url: `/v1/decisions/${current['id']}/corrections`,
      headers: { ...bearer(keys.finance), 'idempotency-key': 'migrated-correction' },
      payload: { reason: 'checked after the migration' },
    })
    t.equal(r.statusCode, 201)
    const id = r.json().decisions.at(-1).id
    const flags = await sql<{ decision_id: string; current: boolean; n: number }>`
      select decision_id, current, count(*)::int as n from decision_outcomes_all
      where decision_id in (${current['id']}, ${id}) group by decision_id, current`.execute(db)
    t.same(
      flags.rows.map((f) => [f.decision_id, f.current, Number(f.n)]).sort(),
      [
        [current['id'], false, 12],
        [id, true, 12],
      ].sort(),
      'the superseded outcomes are no longer current; the correction’s are',
    )
    const report = (
      await app.inject({ method: 'GET', url: '/v1/reports/grants?groupBy=', headers: bearer(keys.auditor) })
    ).json()
    t.equal(
      report.totals.decisions,
      dump['decisions']!.length - 1,
      'one current decision per application chain',
    )
  })
})
