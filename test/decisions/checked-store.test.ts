// A new application in two round trips (src/decisions/decide.ts submitChecked, migration
// 2026-12-04T1800), beyond the stale path of checked-store-stale.test.ts: the state moving twice,
// a refused store writing nothing, the statements the path sends, and concurrency.

import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { budgetKeysOf } from '../../src/db/budget-repository.ts'
import { storeDecisionChecked } from '../../src/db/decisions-repository.ts'
import { readLedgerState, subjectsOf } from '../../src/db/ledger-repository.ts'
import {
  newApplication,
  precheck,
  prepareDecision,
  submitApplication,
  submitLocked,
  writePathCounts,
} from '../../src/decisions/decide.ts'
import { budgetCandidates } from '../../src/engine/budgets.ts'
import { decideCompact } from '../../src/engine/evaluate.ts'
import { testApp } from '../helpers/app.ts'
import { counts, financeCaller, ledgerState, StatementCounter } from '../helpers/checked-store.ts'
import { onPostgres, requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

t.test('the state moves again before the second checked store: decided under the locks', async (t) => {
  const checkedDb = await testDatabase(t)
  const lockedDb = await testDatabase(t)
  const mine = deepProcessing('p-twice', '80000000.00', '2015-09-01')
  const competitors = [
    deepProcessing('p-twice', '120000000.00'),
    deepProcessing('p-twice', '50000000.00', '2015-07-01'),
  ]
  await keysFor(checkedDb)
  await keysFor(lockedDb)
  const caller = await financeCaller(checkedDb.db)
  const lockedCaller = await financeCaller(lockedDb.db)
  const before = { ...writePathCounts }
  const decided = await submitApplication(checkedDb.db, caller, mine, {
    precomputed: precheck(mine),
    // Before each of the two checked stores, a competitor on the same project commits.
    beforeStore: async (attempt) => {
      await submitLocked(checkedDb.db, caller, competitors[attempt - 1]!, {})
    },
  })
  t.equal(writePathCounts.stale - before.stale, 2, 'both checked stores found the ledger moved')
  t.equal(writePathCounts.locked - before.locked, 1, 'then it was decided under the locks')
  for (const c of competitors) await submitLocked(lockedDb.db, lockedCaller, c, {})
  const locked = await submitLocked(lockedDb.db, lockedCaller, mine, {})
  t.same(decided.decision.evaluation, locked.decision.evaluation, 'the decision: as the locked path makes it')
  t.same(decided.decision.history, locked.decision.history, 'on the same history')
  t.same(await ledgerState(checkedDb.db), await ledgerState(lockedDb.db), 'the same ledgers')
})

t.test(
  'a state that moved: refused, nothing written (not even the subject rows the locks create)',
  async (t) => {
    const database = await testDatabase(t)
    await keysFor(database)
    const caller = await financeCaller(database.db)
    const facts = deepProcessing('p-moved', '120000000.00')
    const subjects = subjectsOf(facts)
    const budgetKeys = budgetKeysOf(budgetCandidates(facts))
    const before = await counts(database.db)
    const state = await readLedgerState(database.db, subjects, budgetKeys)
    // A crash between the two round trips leaves nothing: the read wrote nothing and holds no
    // transaction (so no lock) open.
    t.same(await counts(database.db), before, 'the read wrote nothing')
    if (onPostgres) {
      const open = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%'`.execute(database.db)
      t.equal(open.rows[0]!.n, 0, 'and left no transaction open')
    }
    const prepared = prepareDecision(caller, facts, newApplication(caller, facts), true, null, {
      subjects,
      budgets: state.budgets,
      history: state.history,
      evaluation: precheck(facts),
      released: [],
      respond: () => ({
        body: '{}',
        completion: { callerKeyId: caller.keyId, key: 'k-moved', requestHash: 'ab'.repeat(32), status: 201 },
      }),
    })
    const check = { subjects, budgets: budgetKeys }
    const refused = await storeDecisionChecked(database.db, prepared.write, {
      ...check,
      fingerprint: `not-${state.fingerprint}`,
    })
    t.equal(refused.stored, false, 'refused')
    t.equal(
      refused.stored ? null : refused.fingerprint,
      state.fingerprint,
      'answering the state as it read it under the locks',
    )
    t.same(
      await counts(database.db),
      before,
      'nothing written: no application, decision, grant, key, audit entry, subject row',
    )
    t.same(
      await storeDecisionChecked(database.db, prepared.write, { ...check, fingerprint: state.fingerprint }),
      { stored: true },
      'the same write with the state as read: stored',
    )
    const after = await counts(database.db)
    t.equal(after['applications'], before['applications']! + 1)
    t.equal(after['keys'], before['keys']! + 1, 'the key claimed with it')
  },
)

t.test(
  'a budget set: its applications are decided under the locks at once, the unfunded queued',
  async (t) => {
    const database = await testDatabase(t)
    const keys = await keysFor(database)
    const caller = await financeCaller(database.db)
    const app = await testApp(t, database)
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/budgets/2015/interest-subsidy',
      headers: bearer(keys.finance),
      payload: { amount: '60000.00' },
    })
    t.equal(put.statusCode, 200)
    const first = deepProcessing('p-q1', '1000000.00')
    const second = deepProcessing('p-q2', '1000000.00')
    const before = { ...writePathCounts }
    // One Kysely instance throughout: what a budget seen is remembered by (src/decisions/decide.ts).
    const counter = new StatementCounter()
    const db = database.db.withPlugin(counter)
    await submitApplication(db, caller, first, { precomputed: precheck(first) })
    t.same(counter.statements.slice(0, 1), ['state'], 'the first: its state read, a budget seen in it')
    counter.statements = []
    const queued = await submitApplication(db, caller, second, { precomputed: precheck(second) })
    t.notOk(counter.statements.includes('state'), 'the second: no state read before the locked path')
    t.equal(writePathCounts.checked - before.checked, 0, 'none in two statements')
    t.equal(writePathCounts.budgeted - before.budgeted, 2, 'a budget applies to both')
    t.equal(writePathCounts.locked - before.locked, 2, 'both decided under the locks')
    t.equal(writePathCounts.stale - before.stale, 0)
    const outcome = decideCompact(second, { history: queued.decision.history as never }).outcomes.find(
      (o) => o.measure === 'interest-subsidy',
    )
    t.equal(outcome?.status, 'unfunded', 'the budget is drawn: unfunded')
    const queue = await sql<{ decision_id: string; amount: string }>`
    select decision_id, amount::text as amount from budget_queue`.execute(database.db)
    t.same(
      queue.rows.slice(0, 1),
      [{ decision_id: queued.decision.id, amount: '60000.00' }],
      'the unfunded outcome waits in the queue',
    )
  },
)

t.test(
  'the same Idempotency-Key sent 20 times at once, to two instances: stored once, one answer',
  async (t) => {
    if (!requirePostgres(t, 'duplicates racing through the two-statement path')) return
    const first = await testDatabase(t, { poolSize: 10 })
    const second = secondPool(t, first, 10)
    const apps = [await buildApp({ database: first }), await buildApp({ database: second })]
    t.teardown(async () => {
      for (const a of apps) await a.close()
    })
    const keys = await keysFor(first)
    // Every duplicate reads the same (empty) state before any of them stores: all but one find the key
    // taken in store_decision (or the state moved, then the key taken under the locks) and replay.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        apps[i % 2]!.inject({
          method: 'POST',
          url: '/v1/applications',
          headers: { ...bearer(keys.enterpriseA), 'idempotency-key': 'twenty-at-once' },
          payload: deepProcessing('p-twenty', '1000000.00'),
        }),
      ),
    )
    t.same([...new Set(responses.map((r) => r.statusCode))], [201], 'every one answered 201')
    t.equal(new Set(responses.map((r) => r.body)).size, 1, 'with the same bytes')
    const stored = await counts(first.db)
    t.equal(stored['applications'], 1, 'stored once')
    t.equal(stored['decisions'], 1)
    t.equal(stored['keys'], 1)
  },
)
