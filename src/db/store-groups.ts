// Group commit for checked stores (issue #10, "POST /v1/applications ≥ 0.25 × the same stack's
// single-row INSERT route"). A checked store (store_decision_checked) is one statement and its own
// transaction. Under load, on a machine whose cores the API and PostgreSQL share, ten of them at once
// each take the audit chain's lock and each commit, and queue behind whichever holder was
// descheduled: PostgreSQL spent 3.1–3.7 ms of CPU per stored application at 50 connections against
// 1.9–2.2 ms one at a time (bench/write-path.ts, BENCH_ONLY=write).
//
// So the stores of one process go through a few lanes (src/db/lanes.ts): alone when a lane is free,
// else up to `limit` of those waiting as one statement (store_decisions_checked, migration
// 2026-12-05T1930): one transaction, one commit, one hold of the audit lock. Each member gets the
// answer it would get alone (the migration says why). The unlocked reads that precede them
// (readLedgerState) go through lanes of their own, as one statement too: a read has no effect, so
// reading several at once changes nothing but the round trips (each one a write to a socket, 0.2 ms
// of the API's CPU on this machine's loopback).

import { type Kysely, sql } from 'kysely'
import { Lanes } from './lanes.ts'
import {
  compareSubjects,
  type LedgerState,
  readLedgerStates,
  type StateRow,
  type Subject,
  stateArguments,
} from './ledger-repository.ts'
import type { Database } from './schema.ts'

/**
 * Members of one group at most. A tuning choice, not policy: each member's check is a subtransaction,
 * and PostgreSQL keeps 64 of a transaction's subtransactions in shared memory before every other
 * backend's snapshot has to look further; 16 stays well under, and groups of 32 measured no better
 * beyond the rounds' spread (BENCHMARKS.md, "The write path in groups").
 */
export const DEFAULT_STORE_GROUP = 16

/**
 * Groups of one process in the database at once, per kind. One lane groups the most, but a member
 * waiting for a lock (a subject a batch chunk holds) would hold up every store of the process; two
 * keep one lane moving, at no cost measured (BENCH_ONLY=write: 0.20 with one lane, 0.24–0.25 with two).
 */
const LANES = 2

/** What a checked store sends: store_decision_checked's two arguments. */
export interface CheckedStore {
  /** the payload of store_decision, as JSON */
  payload: string
  /** the subjects (in subjectsOf's order) and budget keys it locks, and the fingerprint */
  check: { subjects: readonly Subject[]; budgets: readonly string[]; fingerprint: string }
}

/** store_decision_checked's answer: stored, or the state found under the locks. */
export type CheckedAnswer = { stale?: StateRow; fingerprint?: string }

/** An unlocked read of what the engine sees of the ledger (readLedgerState's arguments). */
export interface StateRead {
  subjects: readonly Subject[]
  budgets: readonly string[]
}

const checkArgument = (s: CheckedStore) =>
  JSON.stringify({ ...stateArguments(s.check.subjects, s.check.budgets), fingerprint: s.check.fingerprint })

const storeAlone = async (db: Kysely<Database>, s: CheckedStore): Promise<CheckedAnswer> => {
  const { rows } = await sql<{ r: CheckedAnswer }>`
    select store_decision_checked(${s.payload}::jsonb, ${checkArgument(s)}::jsonb) as r`.execute(db)
  return rows[0]!.r
}

const storeTogether = async (
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

interface WritePathLanes {
  stores: Lanes<CheckedStore, CheckedAnswer>
  reads: Lanes<StateRead, LedgerState>
}

const lanesOf = new WeakMap<Kysely<Database>, WritePathLanes>()

const lanes = (db: Kysely<Database>): WritePathLanes => {
  let l = lanesOf.get(db)
  if (!l) {
    l = {
      stores: new Lanes(
        { alone: (s) => storeAlone(db, s), together: (ss) => storeTogether(db, ss) },
        LANES,
        DEFAULT_STORE_GROUP,
      ),
      reads: new Lanes(
        {
          alone: async (r) => (await readLedgerStates(db, [r]))[0]!,
          together: (rs) => readLedgerStates(db, rs),
        },
        LANES,
        DEFAULT_STORE_GROUP,
      ),
    }
    lanesOf.set(db, l)
  }
  return l
}

/** Sets how many checked stores (and reads) one statement may carry on this database (1: none grouped). */
export const setStoreGroup = (db: Kysely<Database>, limit: number): void => {
  const l = lanes(db)
  l.stores.limit = Math.max(1, Math.floor(limit))
  l.reads.limit = l.stores.limit
}

/** How the checked stores and reads of this database went (src/db/lanes.ts LaneCounts). */
export const storeGroupCounts = (db: Kysely<Database>) => ({
  stores: { ...lanes(db).stores.counts },
  reads: { ...lanes(db).reads.counts },
})

/**
 * A checked store: sent at once when a lane is free, else with the others waiting, as one group.
 * Answers store_decision_checked's answer; rejects with its error (the caller maps YI002).
 */
export const storeChecked = (db: Kysely<Database>, store: CheckedStore): Promise<CheckedAnswer> =>
  lanes(db).stores.send(store)

/** readLedgerState, read with the others waiting when the service is busy. */
export const readStateGrouped = (
  db: Kysely<Database>,
  subjects: readonly Subject[],
  budgets: readonly string[],
): Promise<LedgerState> => lanes(db).reads.send({ subjects, budgets })
