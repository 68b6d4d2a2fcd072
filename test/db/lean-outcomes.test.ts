// Migration 2026-12-04T1810-lean-outcomes: a decision's plain ineligible outcomes are one
// decision_ineligible row (a bit per measure), its other outcomes rows of decision_outcomes. Through
// the real store path: every outcome comes back from the view decision_outcomes_all exactly as the
// decision states it; the list's measure/status filter sees folded outcomes; a measure without a bit
// (added to the engine later) stays a row; two outcomes of one measure in one decision are refused
// (the primary key used to refuse them); a correction clears `current` on both tables.

import { sql } from 'kysely'
import t from 'tap'
import { verifyAudit } from '../../src/audit/verify.ts'
import { migrateToLatest, migrator } from '../../src/db/migrator.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

interface Outcome {
  measure: string
  status: string
  amount: string | null
}

t.test('plain ineligible outcomes are folded, and read back whole', async (t) => {
  const database = await testDatabase(t)
  const db = database.db
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const submit = async (project: string, date?: string) => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
      payload: deepProcessing(project, '120000000.00', date),
    })
    t.equal(r.statusCode, 201, r.statusCode === 201 ? `${project} stored` : r.body)
    return r.json()
  }
  const stored = await submit('lean-1')
  const decision = stored.decisions[0]
  const outcomes = decision.evaluation.outcomes as Outcome[]
  t.equal(outcomes.length, 12, 'twelve outcomes decided')
  const plain = outcomes.filter((o) => o.status === 'ineligible' && o.amount === null)
  t.ok(plain.length > 0 && plain.length < 12, `${plain.length} plain ineligible outcomes`)

  const counts = (
    await sql<{ rows: number; folded: number; bits: number }>`
      select (select count(*)::int from decision_outcomes where decision_id = ${decision.id}) as rows,
             (select count(*)::int from decision_ineligible where decision_id = ${decision.id}) as folded,
             (select count(*)::int from decision_ineligible i join outcome_measures m
                on i.measures & (1::bigint << m.bit) <> 0 where i.decision_id = ${decision.id}) as bits`.execute(
      db,
    )
  ).rows[0]!
  t.same(
    counts,
    { rows: 12 - plain.length, folded: 1, bits: plain.length },
    'one row per outcome that carries something, one folded row',
  )

  const all = (
    await sql<Outcome>`select measure, status, amount::text as amount from decision_outcomes_all
                       where decision_id = ${decision.id}`.execute(db)
  ).rows
  const byMeasure = (a: Outcome, b: Outcome) => a.measure.localeCompare(b.measure)
  t.same(
    all.sort(byMeasure),
    outcomes.map((o) => ({ measure: o.measure, status: o.status, amount: o.amount })).sort(byMeasure),
    'the view gives back every outcome as decided',
  )

  const list = async (query: string) =>
    (await app.inject({ method: 'GET', url: `/v1/applications?${query}`, headers: bearer(keys.auditor) }))
      .json()
      .items.map((i: { id: string }) => i.id)
  const folded = plain[0]!.measure
  const kept = outcomes.find((o) => o.status !== 'ineligible')!
  t.same(
    await list(`measure=${folded}&status=ineligible`),
    [stored.id],
    'a folded outcome matches its measure and status',
  )
  t.same(await list(`measure=${folded}`), [stored.id], 'a folded outcome matches its measure')
  t.same(await list('status=ineligible'), [stored.id], 'folded outcomes match status=ineligible')
  t.same(await list(`measure=${kept.measure}&status=ineligible`), [], 'a kept outcome is not ineligible')
  t.same(await list(`measure=${kept.measure}&status=${kept.status}`), [stored.id], 'a kept outcome matches')
  t.same(await list(`measure=${folded}&status=${kept.status}`), [], 'a folded outcome has no other status')

  t.test('a measure without a bit stays a row; one measure twice is refused', async (t) => {
    const row = (measure: string) => ({
      decision_id: decision.id,
      measure,
      status: 'ineligible',
      amount: null,
      application_id: stored.id,
      prefecture: 'qujing',
      year: 2015,
      application_date: stored.applicationDate,
      amount_due: '0.00',
      amount_paid: '0.00',
      amount_unfunded: '0.00',
      current: true,
    })
    await sql`select store_outcomes(${JSON.stringify([row('measure-of-2030')])}::jsonb)`.execute(db)
    const unknown = await sql`select status from decision_outcomes where measure = 'measure-of-2030'`.execute(
      db,
    )
    t.equal(unknown.rows.length, 1, 'stored as a row: nothing is lost when the bit table lags the engine')
    await t.rejects(
      sql`select store_outcomes(${JSON.stringify([row('measure-of-2031'), row('measure-of-2031')])}::jsonb)`.execute(
        db,
      ),
      { code: '23505' },
      'two outcomes of one measure in one decision',
    )
    await t.rejects(
      sql`select store_outcomes(${JSON.stringify([row('standards-award'), row('standards-award')])}::jsonb)`.execute(
        db,
      ),
      { code: '23505' },
      'two folded outcomes of one measure in one decision',
    )
  })

  t.test('a correction clears current on both tables', async (t) => {
    const other = await submit('lean-2')
    const r = await app.inject({
      method: 'POST',
      url: `/v1/decisions/${other.decisions[0].id}/corrections`,
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
      payload: { reason: 'checked again' },
    })
    t.equal(r.statusCode, 201)
    const flags = await sql<{ t: string; current: boolean }>`
      select 'rows' as t, current from decision_outcomes where decision_id = ${other.decisions[0].id}
      union all
      select 'folded', current from decision_ineligible where decision_id = ${other.decisions[0].id}`.execute(
      db,
    )
    t.ok(flags.rows.length >= 2, 'both tables hold the old decision')
    t.ok(
      flags.rows.every((f) => f.current === false),
      'no outcome of the superseded decision is current',
    )
  })

  t.test('down and up again: the rows unfolded, then folded, every outcome the same', async (t) => {
    const every = async (table: string) =>
      (
        await sql<Outcome & { decision_id: string; current: boolean }>`
          select decision_id, measure, status, amount::text as amount, current from ${sql.table(table)}
          order by decision_id, measure`.execute(db)
      ).rows
    // What the API shows of a decision, and its replay (read from the record, jsonb or text).
    const shown = async () => {
      const get = await app.inject({
        method: 'GET',
        url: `/v1/decisions/${decision.id}?explain=full`,
        headers: bearer(keys.auditor),
      })
      t.equal(get.statusCode, 200)
      const replay = await app.inject({
        method: 'POST',
        url: `/v1/decisions/${decision.id}/replay`,
        headers: bearer(keys.auditor),
      })
      t.equal(replay.json().identical, true, 'the stored decision replays field by field')
      return get.body
    }
    const before = await every('decision_outcomes_all')
    const body = await shown()
    // Down to the migration before this one (2026-12-04T1800): later migrations are undone first.
    const down = await migrator(db).migrateTo('2026-12-04T1800-checked-store')
    if (down.error) throw down.error
    t.equal(
      down.results?.at(-1)?.migrationName,
      '2026-12-04T1810-lean-outcomes',
      'this migration undone last',
    )
    t.ok(
      down.results?.every((r) => r.direction === 'Down' && r.status === 'Success'),
      'every migration after 2026-12-04T1800 undone',
    )
    t.same(await every('decision_outcomes'), before, 'down: one row per outcome again')
    // The record stored as jsonb, as before the migration: the same bytes shown.
    t.equal(await shown(), body, 'down: the decision shown byte for byte')
    await migrateToLatest(db)
    t.same(await every('decision_outcomes_all'), before, 'up again: the same outcomes')
    t.equal(await shown(), body, 'up again (the jsonb record converted to text): byte for byte')
    const audit = await verifyAudit(db, { toSeq: Number.MAX_SAFE_INTEGER })
    t.equal(
      audit.checked,
      audit.to_seq,
      'every audit entry verifies (entity hashes from the converted records)',
    )
    // Every outcome row follows from its decision's record — but the one the first subtest stored by
    // hand for a measure the record does not have, which the verification names.
    t.match(audit, { valid: false, problem: 'derived-state-mismatch' })
    t.match(audit.derived?.mismatches, [
      {
        table: 'decision_outcomes',
        row: / measure-of-2030$/,
        expected: 'unexpected',
        actual: /^\["ineligible"/,
      },
    ])
    t.equal(audit.derived?.mismatches.length, 1, 'and only that one')
  })
})
