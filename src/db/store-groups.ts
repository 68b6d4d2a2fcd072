// Group commit for checked stores (issue #10, "POST /v1/applications ≥ 0.25 × the same stack's
// single-row INSERT route"). A checked store (store_decision_checked) is one statement and its own
// transaction. Under load, on a machine whose cores the API and PostgreSQL share, ten of them at once
// each take the audit chain's lock and each commit, and queue behind whichever holder was
// descheduled: PostgreSQL spent 3.1–3.7 ms of CPU per stored application at 50 connections against
// 1.9–2.2 ms one at a time (bench/write-path.ts, BENCH_ONLY=write).
//
// So the stores of one process go through a few lanes (STORE_LANES). A store finding a lane free is
// sent at once, alone, exactly as before: no wait is added when the service is idle. Stores arriving
// while every lane is busy wait, and the next lane to come free sends up to `limit` of them as one
// statement (store_decisions_checked, migration 2026-12-05T1930): one transaction, one commit, one
// hold of the audit lock. Each member gets the answer it would get alone (the migration says why);
// when the database refuses the group (any member's error rolls it back whole), each member is sent
// again alone, so each gets its own answer or error, as without groups; when the connection is lost
// mid-group, every member gets that error, as each would alone.

import { type Kysely, sql } from 'kysely'
import { databaseUnavailable } from './faults.ts'
import { compareSubjects, type StateRow, type Subject, stateArguments } from './ledger-repository.ts'
import type { Database } from './schema.ts'

/**
 * Members of one group at most. A tuning choice, not policy: each member's check is a subtransaction,
 * and PostgreSQL keeps 64 of a transaction's subtransactions in shared memory before every other
 * backend's snapshot has to look further; 16 stays well under, and the gain flattens before it.
 */
export const DEFAULT_STORE_GROUP = 16

/**
 * Groups of one process in the database at once. One lane groups the most, but a member waiting for
 * a lock (a subject a batch chunk holds) would hold up every store of the process; two keep one lane
 * moving (bench/run.ts BENCH_ONLY=write compares).
 */
const STORE_LANES = 2

/** What a checked store sends: store_decision_checked's two arguments. */
export interface CheckedStore {
  /** the payload of store_decision, as JSON */
  payload: string
  /** the subjects (in subjectsOf's order) and budget keys it locks, and the fingerprint */
  check: { subjects: readonly Subject[]; budgets: readonly string[]; fingerprint: string }
}

/** store_decision_checked's answer: stored, or the state found under the locks. */
export type CheckedAnswer = { stale?: StateRow; fingerprint?: string }

interface Waiting extends CheckedStore {
  resolve: (answer: CheckedAnswer) => void
  reject: (error: unknown) => void
}

interface Lanes {
  limit: number
  busy: number
  waiting: Waiting[]
}

const lanesOf = new WeakMap<Kysely<Database>, Lanes>()

const lanes = (db: Kysely<Database>): Lanes => {
  let l = lanesOf.get(db)
  if (!l) {
    l = { limit: DEFAULT_STORE_GROUP, busy: 0, waiting: [] }
    lanesOf.set(db, l)
  }
  return l
}

/** Sets how many checked stores one statement may carry on this database (1: none grouped). */
export const setStoreGroup = (db: Kysely<Database>, limit: number): void => {
  lanes(db).limit = Math.max(1, Math.floor(limit))
}

/** How the checked stores went, for the benchmarks: groups sent, their members, groups sent again alone. */
export const storeGroupCounts = { alone: 0, groups: 0, members: 0, failed: 0 }

const checkArgument = (s: CheckedStore) =>
  JSON.stringify({ ...stateArguments(s.check.subjects, s.check.budgets), fingerprint: s.check.fingerprint })

const storeAlone = async (db: Kysely<Database>, s: CheckedStore): Promise<CheckedAnswer> => {
  const { rows } = await sql<{ r: CheckedAnswer }>`
    select store_decision_checked(${s.payload}::jsonb, ${checkArgument(s)}::jsonb) as r`.execute(db)
  return rows[0]!.r
}

const storeGroup = async (
  db: Kysely<Database>,
  members: readonly CheckedStore[],
): Promise<CheckedAnswer[]> => {
  // The union of the members' subjects, in the order every locker takes them.
  const subjects = new Map<string, Subject>()
  for (const m of members) for (const s of m.check.subjects) subjects.set(`${s.ledger}\u0000${s.key}`, s)
  const budgets = [...new Set(members.flatMap((m) => m.check.budgets))]
  const group = `{"budgets":${JSON.stringify(budgets)},"subjects":${JSON.stringify(
    [...subjects.values()].sort(compareSubjects).map((s) => ({ ledger: s.ledger, key: s.key })),
  )},"members":[${members.map((m) => `[${m.payload},${checkArgument(m)}]`).join(',')}]}`
  const { rows } = await sql<{ r: CheckedAnswer[] }>`
    select store_decisions_checked(${group}::jsonb) as r`.execute(db)
  return rows[0]!.r
}

const settle = async (db: Kysely<Database>, w: Waiting): Promise<void> => {
  try {
    w.resolve(await storeAlone(db, w))
  } catch (error) {
    w.reject(error)
  }
}

const run = async (db: Kysely<Database>, l: Lanes, first: Waiting): Promise<void> => {
  l.busy++
  try {
    storeGroupCounts.alone++
    await settle(db, first)
    while (l.waiting.length > 0) {
      const members = l.waiting.splice(0, l.limit)
      if (members.length === 1) {
        storeGroupCounts.alone++
        await settle(db, members[0]!)
        continue
      }
      storeGroupCounts.groups++
      storeGroupCounts.members += members.length
      let answers: CheckedAnswer[]
      try {
        answers = await storeGroup(db, members)
      } catch (error) {
        storeGroupCounts.failed++
        // The connection lost, or the server going away: whether the group committed is not known,
        // and storing its members again could store twice what has no Idempotency-Key. Each member
        // gets the error (503), as a store alone would; the client's retry with its key tells.
        if (databaseUnavailable(error)) for (const m of members) m.reject(error)
        // A statement refused: the group rolled back whole. Each member alone, with its own answer.
        else await Promise.all(members.map((m) => settle(db, m)))
        continue
      }
      for (const [i, m] of members.entries()) m.resolve(answers[i]!)
    }
  } finally {
    l.busy--
  }
}

/**
 * A checked store: sent at once when a lane is free, else with the others waiting, as one group.
 * Answers store_decision_checked's answer; rejects with its error (the caller maps YI002).
 */
export const storeChecked = (db: Kysely<Database>, store: CheckedStore): Promise<CheckedAnswer> =>
  new Promise((resolve, reject) => {
    const l = lanes(db)
    const w: Waiting = { ...store, resolve, reject }
    if (l.limit > 1 && l.busy >= STORE_LANES) l.waiting.push(w)
    else if (l.limit > 1) void run(db, l, w)
    else void settle(db, w)
  })
