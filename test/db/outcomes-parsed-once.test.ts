// Migration 2026-12-05T2000-outcomes-parsed-once: store_outcomes reads its payload once, and stores
// what the definition before it stored. The same outcomes — every status, cash and non-cash, a
// measure without a bit, two decisions in one call as a batch chunk sends them — go through the old
// definition (the migration's down) and the new one (its up), under other decision ids; the rows in
// decision_outcomes and decision_ineligible must be the same but for those ids. Then the refusals:
// one measure twice in a decision, kept or folded, is unique_violation and leaves nothing behind.

import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import t from 'tap'
import { down, up } from '../../migrations/2026-12-05T2000-outcomes-parsed-once.ts'
import type { Database } from '../../src/db/schema.ts'
import { testDatabase } from '../helpers/database.ts'

const outcome = (
  decision: string,
  application: string,
  measure: string,
  status: string,
  amount: string | null,
) => ({
  decision_id: decision,
  measure,
  status,
  amount,
  application_id: application,
  prefecture: 'qujing',
  year: 2015,
  application_date: '2015-06-30',
  amount_due: status === 'eligible' || status === 'unfunded' ? (amount ?? '0.00') : '0.00',
  amount_paid: status === 'eligible' ? (amount ?? '0.00') : '0.00',
  amount_unfunded: status === 'unfunded' ? (amount ?? '0.00') : '0.00',
  current: true,
})

/** Two decisions' outcomes, as one batch chunk's call carries them. */
const payload = (first: string, second: string) => {
  const a = randomUUID()
  const b = randomUUID()
  return [
    outcome(first, a, 'interest-subsidy', 'eligible', '7200000.00'),
    outcome(first, a, 'emerging-project-tax-reward', 'ineligible', null),
    outcome(first, a, 'startup-tech-sme-tax-reward', 'ineligible', null),
    outcome(first, a, 'standards-award', 'needs-review', null),
    outcome(first, a, 'land-price-ceiling', 'eligible', null),
    outcome(first, a, 'rd-platform-grant', 'unfunded', '3000000.00'),
    outcome(first, a, 'measure-of-2030', 'ineligible', null),
    outcome(first, a, 'talent-iit-reward', 'ineligible', '0.00'),
    outcome(second, b, 'interest-subsidy', 'ineligible', null),
    outcome(second, b, 'direct-power-trading', 'ineligible', null),
    outcome(second, b, 'key-project-loan-rate', 'eligible', null),
  ]
}

const stored = async (db: Kysely<Database>, decisions: readonly string[]) => {
  const kept = await sql<Record<string, unknown>>`
    select decision_id::text, measure, status, amount::text, prefecture, year, application_date::text,
           amount_due::text, amount_paid::text, amount_unfunded::text, current
    from decision_outcomes where decision_id = any(${decisions}::uuid[]) order by decision_id, measure`.execute(
    db,
  )
  const folded = await sql<Record<string, unknown>>`
    select decision_id::text, prefecture, year, application_date::text, measures::text, current
    from decision_ineligible where decision_id = any(${decisions}::uuid[]) order by decision_id`.execute(db)
  return { kept: kept.rows, folded: folded.rows }
}

/** The rows with each decision id replaced by its place in `decisions`, so two runs compare. */
const placed = (rows: Record<string, unknown>[], decisions: readonly string[]) =>
  rows
    .map((r): Record<string, unknown> => ({ ...r, decision_id: decisions.indexOf(String(r['decision_id'])) }))
    .sort(
      (x, y) =>
        Number(x['decision_id']) - Number(y['decision_id']) ||
        String(x['measure']).localeCompare(String(y['measure'])),
    )

t.test('the new store_outcomes stores what the old one stored', async (t) => {
  const database = await testDatabase(t)
  const db = database.db
  const store = (rows: unknown[]) => sql`select store_outcomes(${JSON.stringify(rows)}::jsonb)`.execute(db)

  await down(db)
  const before = [randomUUID(), randomUUID()]
  await store(payload(before[0]!, before[1]!))
  const old = await stored(db, before)
  await up(db)
  const after = [randomUUID(), randomUUID()]
  await store(payload(after[0]!, after[1]!))
  const now = await stored(db, after)

  t.equal(old.kept.length, 7, 'the old definition kept 7 rows (cash, non-cash, review, unfunded, no bit)')
  t.equal(old.folded.length, 2, 'and folded each decision’s plain ineligible outcomes into one row')
  t.same(placed(now.kept, after), placed(old.kept, before), 'the same kept rows')
  t.same(placed(now.folded, after), placed(old.folded, before), 'the same folded rows')

  for (const [what, twice] of [
    ['kept', 'interest-subsidy'],
    ['folded', 'emerging-project-tax-reward'],
  ] as const) {
    const decision = randomUUID()
    const rows = payload(decision, randomUUID())
    const again = rows.find((r) => r.decision_id === decision && r.measure === twice)!
    await t.rejects(store([...rows, { ...again }]), { code: '23505' }, `one ${what} measure twice is refused`)
    t.same(await stored(db, [decision]), { kept: [], folded: [] }, `nothing of that call is left (${what})`)
  }
})
