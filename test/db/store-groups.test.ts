// Checked stores grouped into one statement when the service is busy (src/db/store-groups.ts,
// migration 2026-12-05T1930). Twenty stores are sent in the same tick: two start lanes alone and the
// other eighteen wait, so the first lane to come free sends sixteen of them as one group — here,
// every time. The group must give each member what it would get alone:
// - members claiming what another member of the same group claims (one platform, by two
//   enterprises; one enterprise's tax days, twice) find the state moved and write nothing: one
//   grant each, never two;
// - a member whose Idempotency-Key another member takes makes the group fail as a whole, and each
//   member is then stored alone: every other member stored, that one refused (KeyTakenError);
// - every stored member is exactly one application, one decision and its audit entries, and the
//   chain verifies.
// On PGlite and PostgreSQL; and on PostgreSQL, a group whose connection is lost mid-statement.

import { type Kysely, sql } from 'kysely'
import t from 'tap'
import { verifyAudit } from '../../src/audit/verify.ts'
import type { Caller } from '../../src/auth/api-keys.ts'
import { budgetKeysOf } from '../../src/db/budget-repository.ts'
import { storeDecisionChecked } from '../../src/db/decisions-repository.ts'
import { databaseUnavailable } from '../../src/db/faults.ts'
import { KeyTakenError } from '../../src/db/idempotency-repository.ts'
import { readLedgerState, subjectsOf } from '../../src/db/ledger-repository.ts'
import type { Database } from '../../src/db/schema.ts'
import { readStateGrouped, setStoreGroup, storeGroupCounts } from '../../src/db/store-groups.ts'
import { newApplication, precheck, prepareDecision } from '../../src/decisions/decide.ts'
import { budgetCandidates } from '../../src/engine/budgets.ts'
import type { Application } from '../../src/engine/types.ts'
import { financeCaller } from '../helpers/checked-store.ts'
import { requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import {
  deepProcessing,
  ENTERPRISE_A,
  ENTERPRISE_B,
  keysFor,
  platformClaim,
  startupTaxReward,
} from '../helpers/fixtures.ts'

/** The checked stores' counts of this database (src/db/lanes.ts). */
const groups = (db: Kysely<Database>) => storeGroupCounts(db).stores

/** The audit chain's advisory lock (migration 2026-12-05T1910). */
const AUDIT_LOCK = [1635083369, 1] as const

/** A checked store of `facts` decided on the state as it stands now (as submitChecked prepares it). */
const prepare = async (db: Kysely<Database>, caller: Caller, facts: Application, key: string) => {
  const subjects = subjectsOf(facts)
  const budgets = budgetKeysOf(budgetCandidates(facts))
  const state = await readLedgerState(db, subjects, budgets)
  const prepared = prepareDecision(caller, facts, newApplication(caller, facts), true, null, {
    subjects,
    budgets: state.budgets,
    history: state.history,
    evaluation: precheck(facts),
    released: [],
    respond: () => ({
      body: '{}',
      completion: { callerKeyId: caller.keyId, key, requestHash: 'ab'.repeat(32), status: 201 },
    }),
  })
  return { write: prepared.write, check: { subjects, budgets, fingerprint: state.fingerprint } }
}

for (const sameKey of [false, true])
  t.test(
    `twenty checked stores at once: grouped, each answered as alone${sameKey ? ' (two share a key)' : ''}`,
    async (t) => {
      const database = await testDatabase(t)
      await keysFor(database)
      setStoreGroup(database.db, 16)
      const db = database.db
      const caller = await financeCaller(db)

      // All decided on the empty ledger, before any is stored. Positions 2–17 wait and go as one group.
      const facts: [string, Application][] = [
        ['first', deepProcessing('p-0', '120000000.00')],
        ['second', deepProcessing('p-1', '120000000.00')],
        ['platform-a', platformClaim(ENTERPRISE_A)],
        ['platform-b', platformClaim(ENTERPRISE_B)],
        ['startup-1', startupTaxReward],
        ['startup-2', startupTaxReward],
        [sameKey ? 'same-key' : 'p-same-1', deepProcessing('p-same-1', '120000000.00')],
        [sameKey ? 'same-key' : 'p-same-2', deepProcessing('p-same-2', '120000000.00')],
        ...Array.from({ length: 12 }, (_, i): [string, Application] => [
          `p-${i + 2}`,
          deepProcessing(`p-${i + 2}`, '120000000.00'),
        ]),
      ]
      const stores = await Promise.all(facts.map(([key, f]) => prepare(db, caller, f, key)))
      const before = groups(db)
      const answers = await Promise.allSettled(stores.map((s) => storeDecisionChecked(db, s.write, s.check)))
      t.ok(groups(db).groups > before.groups, 'at least one group was sent')
      if (sameKey) t.ok(groups(db).failed > before.failed, 'one failed as a whole: two members claim one key')
      else t.equal(groups(db).failed, before.failed, 'none failed: the stale members were answered inside it')

      const outcome = answers.map((a) =>
        a.status === 'rejected'
          ? a.reason instanceof KeyTakenError
            ? 'key taken'
            : String(a.reason)
          : a.value.stored
            ? 'stored'
            : 'stale',
      )
      t.same(outcome.slice(0, 2), ['stored', 'stored'], 'the two sent alone: stored')
      t.same(outcome.slice(2, 4).sort(), ['stale', 'stored'], 'one platform, two enterprises: one stored')
      t.same(outcome.slice(4, 6).sort(), ['stale', 'stored'], 'one enterprise’s tax days twice: one stored')
      if (sameKey)
        t.same(outcome.slice(6, 8).sort(), ['key taken', 'stored'], 'one key, two requests: one stored')
      else t.same(outcome.slice(6, 8), ['stored', 'stored'])
      t.same(outcome.slice(8), Array(12).fill('stored'), 'every other member stored')

      const count = async (table: 'applications' | 'decisions') =>
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n
      const stored = outcome.filter((o) => o === 'stored').length
      t.equal(stored, sameKey ? 17 : 18)
      t.equal(await count('applications'), stored, 'one application per stored member')
      t.equal(await count('decisions'), stored, 'one decision per stored member')
      const grants = await sql<{ ledger: string; n: number }>`
    select ledger, count(*)::int as n from ledger_once group by ledger order by ledger`.execute(db)
      t.same(
        grants.rows.filter((g) => g.ledger === 'rd-platform-grant'),
        [{ ledger: 'rd-platform-grant', n: 1 }],
        'the platform granted once',
      )
      const overlaps = await sql<{ n: number }>`
    select count(*)::int as n from ledger_periods a join ledger_periods b
      on a.ledger = b.ledger and a.key = b.key and a.ctid < b.ctid
     and a.from_date <= b.to_date and b.from_date <= a.to_date`.execute(db)
      t.equal(overlaps.rows[0]!.n, 0, 'no tax day rewarded twice')
      const keys = await sql<{ n: number }>`select count(*)::int as n from idempotency_keys`.execute(db)
      t.equal(keys.rows[0]!.n, stored, 'one key completed per stored member')
      // The unlocked reads, grouped as the write path groups them when busy: each one what it reads alone.
      const reads = facts.map(([, f]) => ({
        subjects: subjectsOf(f),
        budgets: budgetKeysOf(budgetCandidates(f)),
      }))
      const readsBefore = storeGroupCounts(db).reads
      const grouped = await Promise.all(reads.map((r) => readStateGrouped(db, r.subjects, r.budgets)))
      t.ok(storeGroupCounts(db).reads.groups > readsBefore.groups, 'the reads were grouped')
      t.same(
        grouped,
        await Promise.all(reads.map((r) => readLedgerState(db, r.subjects, r.budgets))),
        'each read as it reads alone: history, budgets and fingerprint',
      )
      const audit = await verifyAudit(db)
      t.match(audit, { valid: true, problem: null }, 'the audit chain verifies')
      t.ok(audit.checked >= stored * 2, `${audit.checked} audit entries, each stored member’s among them`)
    },
  )

// A group cut off by a lost connection may have committed or not: its members must not be stored
// again one by one (an application without an Idempotency-Key would be stored twice). Each gets
// the error, as a store alone would. The audit lock, held by another session, keeps every store
// waiting in the database while its backend is terminated.
t.test('a group whose connection is lost: every member gets the error, none is sent again', async (t) => {
  if (!requirePostgres(t, 'terminating the backend of a group')) return
  const database = await testDatabase(t)
  await keysFor(database)
  setStoreGroup(database.db, 16)
  const db = database.db
  const caller = await financeCaller(db)
  const other = secondPool(t, database, 2)
  const stores = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      prepare(db, caller, deepProcessing(`cut-${i}`, '120000000.00'), `cut-${i}`),
    ),
  )
  // Backends of this database waiting for the lock in a store sent alone, or in a group: terminated.
  const cut = async (fn: 'store_decision_checked' | 'store_decisions_checked') => {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and query like ${`%${fn}(%`}`.execute(
      other.db,
    )
    for (const r of rows) await sql`select pg_terminate_backend(${r.pid})`.execute(other.db)
    return rows.length
  }
  const pause = () => new Promise((r) => setTimeout(r, 10))
  const before = groups(db)
  let groupsCut = 0
  const settled = await other.db.connection().execute(async (holder) => {
    await sql`select pg_advisory_lock(${AUDIT_LOCK[0]}, ${AUDIT_LOCK[1]})`.execute(holder)
    const answers = Promise.allSettled(stores.map((s) => storeDecisionChecked(db, s.write, s.check)))
    // The two stores sent alone wait for the lock: cut them, and the lanes send the other eighteen
    // as groups, which wait too: cut each. Whatever is sent after that is not cut: a member sent
    // again alone would be stored once the lock is let go.
    for (let alone = 0, i = 0; alone < 2 && i < 1000; i++) {
      alone += await cut('store_decision_checked')
      await pause()
    }
    for (let i = 0; i < 1000; i++) {
      groupsCut += await cut('store_decisions_checked')
      if (groups(db).members - before.members >= 18 && groups(db).failed - before.failed >= groupsCut)
        if (groupsCut > 0 && groups(db).groups - before.groups === groupsCut) break
      await pause()
    }
    await sql`select pg_advisory_unlock(${AUDIT_LOCK[0]}, ${AUDIT_LOCK[1]})`.execute(holder)
    return answers
  })
  t.ok(groupsCut > 0, `${groupsCut} grouped statements cut`)
  t.ok(groups(db).groups > before.groups, 'groups were sent')
  t.same(
    settled.map((a) => (a.status === 'rejected' && databaseUnavailable(a.reason) ? 'unavailable' : a.status)),
    Array(20).fill('unavailable'),
    'every member answered: database unavailable (503)',
  )
  const stored = await sql<{ n: number }>`select count(*)::int as n from applications`.execute(db)
  t.equal(stored.rows[0]!.n, 0, 'nothing stored: no member was sent again')
})
