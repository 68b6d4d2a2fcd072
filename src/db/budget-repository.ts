// Budget pools (POLICY.md §3, our addition), in the database. A budget is a ledger subject
// (ledger 'budget', src/engine/ledgers.ts): its row is the lock that serialises every decision
// drawing it, its total is what was drawn, its cap the amount set, and CHECK (total <= cap) refuses
// an overdraft whatever the code above does. Decisions draw it through the ledger's cumulative
// claims (store_decision), so nothing here writes a total.
//
// Lock order: budget rows are locked first, in key order, then the decision's other subjects
// (lockSubjects): 'budget' sorts before every other ledger, so the global (ledger, key) order holds.
// Only budgets that exist are locked: an application for which no budget is set locks nothing more
// than before (no budget, no limit).

import { sql } from 'kysely'
import type { BudgetState, LedgerSubject } from '../engine/ledgers.ts'
import { subjectKey } from '../engine/ledgers.ts'
import { formatFen, parseFen } from '../engine/money.ts'
import type { MeasureId } from '../engine/types.ts'
import type { Executor } from './executor.ts'

export type BudgetSubject = Extract<LedgerSubject, { ledger: 'budget' }>

/** Whose queue position a decision takes: the application's (stored already), or none yet (new). */
export interface QueuePosition {
  /** the stored application the decision is about; null when it is new (everything queued is ahead) */
  storedApplicationId: string | null
  /** the decision being superseded (a correction): never ahead of itself */
  supersededId: string | null
}

/** The keys of the budget subjects among `candidates`, each once. */
export const budgetKeysOf = (candidates: readonly LedgerSubject[]): string[] => [
  ...new Set(candidates.filter((s) => s.ledger === 'budget').map(subjectKey)),
]

/**
 * Locks the budgets that are set among `candidates`, in key order, and reads their state: amount,
 * drawn, and how many unfunded outcomes wait ahead of this decision in each queue.
 */
export const lockBudgets = async (
  trx: Executor,
  candidates: readonly LedgerSubject[],
  position: QueuePosition,
): Promise<BudgetState[]> => {
  const keys = budgetKeysOf(candidates)
  if (keys.length === 0) return []
  const lock = () =>
    sql<{ key: string; subject: BudgetSubject; total: string; cap: string }>`
      select key, subject, total, cap from ledger_subjects
      where ledger = 'budget' and key in (${sql.join(keys)}) and cap is not null
      order by key
      for update`.execute(trx)
  let rows = await lock()
  if (rows.rows.length === 0) return []
  let queued: Map<string, number>
  for (;;) {
    // A budget set by the transaction this lock waited for (a prefecture's, created under its
    // province-wide budget's lock: lockWithProvince) is not in the lock statement's snapshot (READ
    // COMMITTED: FOR UPDATE sees the rows it waited for again, never rows inserted meanwhile). The
    // next statement sees it: lock again if one appeared, or the outcome would be decided on the
    // province-wide budget and wait in its queue, stranded beside the prefecture's own budget.
    const locked = rows.rows.map((r) => r.key)
    const read = await queuedAhead(
      trx,
      locked,
      position,
      keys.filter((k) => !locked.includes(k)),
    )
    queued = read.queued
    if (!read.appeared) break
    rows = await lock()
  }
  return rows.rows.map((r) => ({
    key: r.key,
    year: r.subject.year,
    measure: r.subject.measure,
    prefecture: r.subject.prefecture,
    amount: r.cap,
    drawn: r.total,
    queued: queued.get(r.key) ?? 0,
  }))
}

/** A current decision: none supersedes it. */
const isCurrent = sql<boolean>`not exists (select 1 from decisions n where n.supersedes = q.decision_id)`

/**
 * A queued outcome's place (submission order): the first application of its chain of corrections
 * (place_seq), else its own. Needs `q` (budget_queue) and `a` (the decision's application).
 */
const placeOf = sql<string>`coalesce(q.place_seq, a.seq)`

/**
 * The place a decision superseding `decisionId` takes in a queue: the earliest seq of the
 * applications along the chain of corrections that ends at `decisionId` (the first application's,
 * since each correction comes later).
 */
const placeAfterCorrecting = (decisionId: string) => sql<string>`(
  with recursive chain as (
    select c.id, c.supersedes, c.application_id from decisions c where c.id = ${decisionId}
    union all
    select p.id, p.supersedes, p.application_id from decisions p join chain on p.id = chain.supersedes
  )
  select min(ca.seq) from chain join applications ca on ca.id = chain.application_id)`

/**
 * How many unfunded outcomes wait ahead of the decision in each of the locked budgets' queues, and
 * whether a budget among `unlocked` is set now (in the same statement: no round trip more).
 */
const queuedAhead = async (
  trx: Executor,
  keys: readonly string[],
  position: QueuePosition,
  unlocked: readonly string[],
): Promise<{ queued: Map<string, number>; appeared: boolean }> => {
  const rows = await sql<{ key: string; queued: number }>`
    ${
      unlocked.length === 0
        ? sql``
        : sql`select key, -1 as queued from ledger_subjects
              where ledger = 'budget' and key in (${sql.join(unlocked)}) and cap is not null
              union all `
    }
    select q.key, count(*)::int as queued
    from budget_queue q
    join decisions d on d.id = q.decision_id
    join applications a on a.id = d.application_id
    where q.key in (${sql.join(keys)}) and ${isCurrent}
      ${position.supersededId === null ? sql`` : sql`and q.decision_id <> ${position.supersededId}`}
      ${
        // a correction keeps the place of the chain's first application, whatever its facts
        position.supersededId !== null
          ? sql`and ${placeOf} < ${placeAfterCorrecting(position.supersededId)}`
          : position.storedApplicationId === null
            ? sql``
            : sql`and ${placeOf} < (select seq from applications where id = ${position.storedApplicationId})`
      }
    group by q.key`.execute(trx)
  return {
    queued: new Map(rows.rows.filter((r) => Number(r.queued) >= 0).map((r) => [r.key, Number(r.queued)])),
    appeared: rows.rows.some((r) => Number(r.queued) < 0),
  }
}

/**
 * Puts a decision's unfunded outcomes in their budgets' queues (in the decision's transaction). A
 * correction's keep the place of the first application of its chain (corrected facts store a new
 * application, which would otherwise go behind every one submitted since).
 */
export const enqueueUnfunded = async (
  trx: Executor,
  decisionId: string,
  rows: readonly { measure: MeasureId; key: string; amount: string }[],
  supersededId: string | null = null,
): Promise<void> => {
  if (rows.length === 0) return
  const place = supersededId === null ? null : placeAfterCorrecting(supersededId)
  await trx
    .insertInto('budget_queue')
    .values(
      rows.map((r) => ({
        decision_id: decisionId,
        measure: r.measure,
        key: r.key,
        amount: r.amount,
        ...(place ? { place_seq: place } : {}),
      })),
    )
    .execute()
}

/** A budget's queue: the unfunded outcomes of current decisions, in submission order (its head: `limit`). */
export const budgetQueue = async (
  trx: Executor,
  key: string,
  limit: number | null = null,
): Promise<{ decisionId: string; measure: string; amount: string }[]> => {
  const rows = await sql<{ decision_id: string; measure: string; amount: string }>`
    select q.decision_id, q.measure, q.amount
    from budget_queue q
    join decisions d on d.id = q.decision_id
    join applications a on a.id = d.application_id
    where q.key = ${key} and ${isCurrent}
    order by ${placeOf}, d.seq
    ${limit === null ? sql`` : sql`limit ${limit}`}`.execute(trx)
  return rows.rows.map((r) => ({ decisionId: r.decision_id, measure: r.measure, amount: r.amount }))
}

/** The province-wide budget of a prefecture budget's year and measure. */
const provinceOf = (subject: BudgetSubject): BudgetSubject => ({ ...subject, prefecture: null })

/**
 * Before a prefecture's budget is set: locks the province-wide budget of its year and measure and the
 * prefecture's own, those that exist, in key order as every decision locks them (lockBudgets), so no
 * decision and no province-wide funding changes the province's queue while it is read.
 */
export const lockWithProvince = async (trx: Executor, subject: BudgetSubject): Promise<void> => {
  await sql`
    select 1 from ledger_subjects
    where ledger = 'budget' and key in (${subjectKey(provinceOf(subject))}, ${subjectKey(subject)})
    order by key
    for update`.execute(trx)
}

/**
 * The outcomes of a prefecture's applications that wait in the province-wide queue of its budget's
 * year and measure (queued while the prefecture had no budget of its own): how many, and the amount
 * due. The caller holds both budgets' locks (lockWithProvince).
 */
export const waitingProvinceWide = async (
  trx: Executor,
  subject: BudgetSubject,
): Promise<{ count: number; amount: string }> => {
  const row = await sql<{ count: number; amount: string }>`
    select count(*)::int as count, coalesce(sum(q.amount), 0)::text as amount
    from budget_queue q
    where q.key = ${subjectKey(provinceOf(subject))} and ${isCurrent}
      and exists (select 1 from decision_outcomes o
                  where o.decision_id = q.decision_id and o.measure = q.measure
                    and o.prefecture = ${subject.prefecture})`.execute(trx)
  return { count: Number(row.rows[0]!.count), amount: formatFen(parseFen(row.rows[0]!.amount)) }
}

/**
 * A prefecture's budget cannot be created while outcomes of its applications wait province-wide
 * (README "Budgets"): it would pay that prefecture's later applications while those wait in another
 * queue, and a province-wide top-up would then fund them with the prefecture's money (a correction
 * draws the budget that applies when it is decided). The bureau funds them province-wide first, or
 * sets prefecture budgets before their applications come.
 */
export class PrefectureOutcomesWaiting extends Error {
  constructor(
    readonly prefecture: string,
    readonly count: number,
    readonly amount: string,
  ) {
    super(`${count} outcomes of ${prefecture}'s applications (${amount} due) wait in the province-wide queue`)
    this.name = 'PrefectureOutcomesWaiting'
  }
}

/** Locks a budget's row for the rest of the transaction (a funding chunk, src/decisions/budgets.ts). */
export const lockBudget = async (trx: Executor, subject: BudgetSubject): Promise<void> => {
  await sql`
    select 1 from ledger_subjects where ledger = 'budget' and key = ${subjectKey(subject)}
    for update`.execute(trx)
}

export class BudgetBelowDrawn extends Error {
  constructor(
    readonly amount: string,
    readonly drawn: string,
  ) {
    super(`the budget's amount ${amount} is below what was already drawn, ${drawn}`)
    this.name = 'BudgetBelowDrawn'
  }
}

export interface BudgetChange {
  id: string
  year: number
  measure: string
  prefecture: string | null
  amount: string
  previousAmount: string | null
  note: string | null
  changedBy: string
}

/** The audited state of a budget change (entity budget-change:<id>); the verifier rebuilds it from the row. */
export const budgetChangeEntity = (c: BudgetChange) => ({
  id: c.id,
  year: c.year,
  measure: c.measure,
  prefecture: c.prefecture,
  amount: c.amount,
  previousAmount: c.previousAmount,
  note: c.note,
  changedBy: c.changedBy,
})

export const BUDGET_CHANGE_COLUMNS = [
  'id',
  'year',
  'measure',
  'prefecture',
  'amount',
  'previous_amount',
  'note',
  'changed_by',
] as const

export const budgetChangeOfRow = (row: {
  id: string
  year: number
  measure: string
  prefecture: string | null
  amount: string
  previous_amount: string | null
  note: string | null
  changed_by: string
}): BudgetChange => ({
  id: String(row.id),
  year: row.year,
  measure: row.measure,
  prefecture: row.prefecture,
  amount: row.amount,
  previousAmount: row.previous_amount,
  note: row.note,
  changedBy: row.changed_by,
})

/**
 * Sets a budget's amount: creates its subject row or locks it, refuses an amount below what was
 * drawn (BudgetBelowDrawn), and records the change. Returns null when nothing changed (same amount
 * and note). The caller audits the change in the same transaction.
 */
export const setBudgetAmount = async (
  trx: Executor,
  subject: BudgetSubject,
  amount: string,
  note: string | null,
  changedBy: string,
): Promise<{ change: BudgetChange | null; drawn: string }> => {
  const key = subjectKey(subject)
  // The upsert takes the row's lock (a no-op update on conflict), as decisions do.
  const locked = await sql<{ total: string; cap: string | null; inserted: boolean }>`
    insert into ledger_subjects (ledger, key, subject, total, cap)
    values ('budget', ${key}, ${JSON.stringify(subject)}::jsonb, 0, ${amount}::numeric)
    on conflict (ledger, key) do update set total = ledger_subjects.total
    returning total, cap, (xmax = 0) as inserted`.execute(trx)
  const row = locked.rows[0]!
  const previous = row.inserted ? null : row.cap
  const last = await trx
    .selectFrom('budget_changes')
    .select('note')
    .where('key', '=', key)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (previous !== null && sameAmount(previous, amount) && (last?.note ?? null) === note) {
    return { change: null, drawn: row.total }
  }
  if (parseFen(amount) < parseFen(row.total)) throw new BudgetBelowDrawn(amount, row.total)
  if (!row.inserted) {
    await trx
      .updateTable('ledger_subjects')
      .set({ cap: amount })
      .where('ledger', '=', 'budget')
      .where('key', '=', key)
      .execute()
  }
  const inserted = await trx
    .insertInto('budget_changes')
    .values({
      year: subject.year,
      measure: subject.measure,
      prefecture: subject.prefecture,
      key,
      amount,
      previous_amount: previous,
      note,
      changed_by: changedBy,
    })
    .returning(BUDGET_CHANGE_COLUMNS)
    .executeTakeFirstOrThrow()
  return { change: budgetChangeOfRow(inserted), drawn: row.total }
}

/** Two numeric strings of the same amount ("100.00" and "100.0" alike). */
const sameAmount = (a: string, b: string): boolean => parseFen(a) === parseFen(b)

export interface BudgetRow {
  year: number
  measure: string
  prefecture: string | null
  amount: string
  drawn: string
  remaining: string
  queue: { count: number; amount: string }
  /**
   * A top-up's funding still under way (a budget_fundings row: the funding job continues it), and
   * how many queued outcomes the remainder covers, head first, that it has still to fund (0 when none
   * is under way).
   */
  funding: { inProgress: boolean; toFund: number }
  note: string | null
}

/**
 * Every budget of a year (or of every year), with its queue: by year, measure, province-wide first.
 * `funding: false` leaves out what a funding under way has still to fund (a walk of the queue), for
 * the funding's own reads of the remainder.
 */
export const listBudgets = async (
  db: Executor,
  year: number | null,
  options: { funding?: boolean } = {},
): Promise<BudgetRow[]> => {
  const funding = options.funding ?? true
  const rows = await sql<{
    subject: BudgetSubject
    cap: string
    total: string
    remaining: string
    count: number
    queued: string
    funding: boolean
    to_fund: number
    note: string | null
  }>`
    select s.subject, s.cap, s.total, (s.cap - s.total)::numeric(18, 2)::text as remaining,
           coalesce(q.count, 0)::int as count, coalesce(q.amount, 0)::numeric(18, 2)::text as queued,
           (f.key is not null) as funding, coalesce(t.to_fund, 0)::int as to_fund,
           (select c.note from budget_changes c where c.key = s.key order by c.id desc limit 1) as note
    from ledger_subjects s
    left join (
      select q.key, count(*) as count, sum(q.amount) as amount
      from budget_queue q
      where ${isCurrent}
      group by q.key
    ) q on q.key = s.key
    left join budget_fundings f on f.key = s.key
    -- What the funding has still to fund: the queue's head, in submission order, as far as the
    -- remainder covers it wholly (it stops at the first outcome it cannot cover: POLICY.md §3).
    left join lateral (
      select count(*) as to_fund
      from (
        select sum(q.amount) over (order by ${placeOf}, d.seq rows unbounded preceding) as running
        from budget_queue q
        join decisions d on d.id = q.decision_id
        join applications a on a.id = d.application_id
        -- Only while a funding is under way (a one-time filter: no walk otherwise).
        where ${funding ? sql`f.key is not null` : sql`false`} and q.key = s.key and ${isCurrent}
      ) r
      where r.running <= s.cap - s.total
    ) t on true
    where s.ledger = 'budget' and s.cap is not null
      ${year === null ? sql`` : sql`and (s.subject ->> 'year')::int = ${year}`}
    order by (s.subject ->> 'year')::int, s.subject ->> 'measure', s.subject ->> 'prefecture' nulls first`.execute(
    db,
  )
  return rows.rows.map((r) => ({
    year: r.subject.year,
    measure: r.subject.measure,
    prefecture: r.subject.prefecture,
    amount: r.cap,
    drawn: r.total,
    remaining: r.remaining,
    queue: { count: Number(r.count), amount: r.queued },
    funding: { inProgress: r.funding, toFund: Number(r.to_fund) },
    note: r.note,
  }))
}

/** One budget's state (for the answer to a change), read in the caller's transaction. */
export const findBudget = async (
  db: Executor,
  subject: BudgetSubject,
  options: { funding?: boolean } = {},
): Promise<BudgetRow | null> => {
  const all = await listBudgets(db, subject.year, options)
  return (
    all.find(
      (b) => b.measure === subject.measure && b.prefecture === subject.prefecture && b.year === subject.year,
    ) ?? null
  )
}

/**
 * A top-up's funding still under way (migration 2026-12-04T1830): written in the transaction of its
 * first chunk when more of the queue remains, deleted in the chunk that finds the queue done. Every
 * write holds the budget's lock (lockBudget, or setBudgetAmount's), so chunks of two fundings of one
 * budget take turns. `requestedBy`/`requestedRole`: the key whose top-up it is (its corrections are
 * that key's, as if the PUT had funded the whole queue).
 */
export interface BudgetFunding {
  key: string
  subject: BudgetSubject
  requestedBy: string
  requestedRole: string
}

export const recordFunding = async (
  trx: Executor,
  subject: BudgetSubject,
  requestedBy: string,
  requestedRole: string,
): Promise<void> => {
  await sql`
    insert into budget_fundings (key, subject, requested_by, requested_role)
    values (${subjectKey(subject)}, ${JSON.stringify(subject)}::jsonb, ${requestedBy}, ${requestedRole})
    on conflict (key) do update
      set requested_by = excluded.requested_by, requested_role = excluded.requested_role, updated_at = now()`.execute(
    trx,
  )
}

/**
 * Records a funding under way for each of these budgets whose queue has outcomes waiting (a correction
 * gave back what its decision drew: src/decisions/decide.ts correctDecision). Their keys, once each,
 * in key order: the funding jobs to send once the transaction commits.
 */
export const recordFundingsWaiting = async (
  trx: Executor,
  caller: { keyId: string; role: string },
  subjects: readonly BudgetSubject[],
): Promise<string[]> => {
  const byKey = new Map(subjects.map((s) => [subjectKey(s), s]))
  if (byKey.size === 0) return []
  // One statement for every candidate (an application has up to 16): most have no budget, no queue.
  const waiting = await sql<{ key: string }>`
    select distinct q.key from budget_queue q
    where q.key in (${sql.join([...byKey.keys()])}) and ${isCurrent}`.execute(trx)
  const recorded = waiting.rows.map((r) => r.key).sort()
  for (const key of recorded) await recordFunding(trx, byKey.get(key)!, caller.keyId, caller.role)
  return recorded
}

/** A chunk of the funding committed: still under way (the sweep looks for fundings gone quiet). */
export const touchFunding = async (trx: Executor, key: string): Promise<void> => {
  await trx.updateTable('budget_fundings').set({ updated_at: sql`now()` }).where('key', '=', key).execute()
}

export const endFunding = async (trx: Executor, key: string): Promise<void> => {
  await trx.deleteFrom('budget_fundings').where('key', '=', key).execute()
}

export const findFunding = async (db: Executor, key: string): Promise<BudgetFunding | null> => {
  const row = await db
    .selectFrom('budget_fundings')
    .select(['key', 'subject', 'requested_by', 'requested_role'])
    .where('key', '=', key)
    .executeTakeFirst()
  return row
    ? {
        key: row.key,
        subject: row.subject as BudgetSubject,
        requestedBy: row.requested_by,
        requestedRole: row.requested_role,
      }
    : null
}

/** Every funding under way, oldest first: what an in-process runner resumes when it starts. */
export const pendingFundings = async (db: Executor): Promise<string[]> =>
  (await db.selectFrom('budget_fundings').select('key').orderBy('created_at').execute()).map((r) => r.key)

/**
 * Fundings under way that no pg-boss job will continue (none created, retrying or active), quiet for
 * more than `graceSeconds` (a top-up records its funding a moment before it sends the job): the job
 * was never sent (the PUT's process died after its first chunk committed), or pg-boss gave up on it.
 * The queue's schema is pg-boss's (src/batches/queue.ts).
 */
export const fundingsWithoutJob = async (
  db: Executor,
  queue: string,
  graceSeconds: number,
): Promise<string[]> =>
  (
    await sql<{ key: string }>`
      select f.key from budget_fundings f
      where f.updated_at < now() - make_interval(secs => ${graceSeconds})
        and not exists (
          select 1 from pgboss.job j
          where j.name = ${queue} and j.data ->> 'key' = f.key and j.state in ('created', 'retry', 'active'))
      order by f.created_at`.execute(db)
  ).rows.map((r) => r.key)
