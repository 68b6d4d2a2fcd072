// A new application in two round trips (src/decisions/decide.ts submitChecked, migration
// 2026-12-04T1800): the ledger state read unlocked, then one statement that locks, reads it again and
// stores only if it did not move. Here the ledger is made to move in between — a competing decision,
// of another enterprise or the same, committed after the read — on a cap, a one-time grant and a
// budget: the store is refused with nothing written, the application is decided again under the
// locks, and its decision is field by field the one the locked path makes with the competitor
// committed first (on a second database, in that order); nothing is granted twice.

import {
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  sql,
} from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import type { Caller } from '../../src/auth/api-keys.ts'
import { budgetKeysOf } from '../../src/db/budget-repository.ts'
import { storeDecisionChecked } from '../../src/db/decisions-repository.ts'
import { readLedgerState, subjectsOf } from '../../src/db/ledger-repository.ts'
import type { Database } from '../../src/db/schema.ts'
import {
  type Decided,
  newApplication,
  precheck,
  prepareDecision,
  submitApplication,
  submitLocked,
  writePathCounts,
} from '../../src/decisions/decide.ts'
import { budgetCandidates } from '../../src/engine/budgets.ts'
import { decideCompact } from '../../src/engine/evaluate.ts'
import { parseFen } from '../../src/engine/money.ts'
import { storedRecord } from '../../src/engine/stored-record.ts'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { onPostgres, requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, ENTERPRISE_B, keysFor } from '../helpers/fixtures.ts'
import { EXAMPLES } from '../helpers/requests.ts'

/** The statements a Kysely instance runs: 'state' for decision_state, else the root node's kind. */
class StatementCounter implements KyselyPlugin {
  statements: string[] = []
  transformQuery(args: PluginTransformQueryArgs) {
    const node = args.node as { kind: string; sqlFragments?: readonly string[] }
    const text = node.kind === 'RawNode' ? (node.sqlFragments ?? []).join('?') : ''
    this.statements.push(text.includes('decision_state(') ? 'state' : node.kind)
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result
  }
}

const financeCaller = async (db: Kysely<Database>): Promise<Caller> => {
  const row = (await sql<{ id: string }>`select id from api_keys where role = 'finance'`.execute(db)).rows[0]!
  return { keyId: row.id, role: 'finance', enterprise: null }
}

const ofEnterpriseB = (facts: Application): Application => ({
  ...facts,
  enterprise: { creditCode: ENTERPRISE_B, name: 'Kunming Competitor Co.' },
})

const platform = (
  EXAMPLES.find((e) => e.name === 'rd-platform-grant.json')!.body as unknown as { application: Application }
).application

/** What the ledgers hold, as comparable rows (ids left out: they differ between databases). */
const ledgerState = async (db: Kysely<Database>) => ({
  totals: (
    await sql`select ledger, key, total::text, cap::text from ledger_subjects where total <> 0 order by ledger, key`.execute(
      db,
    )
  ).rows,
  once: (
    await sql`select ledger, key, item, amount::text from ledger_once order by ledger, key, item`.execute(db)
  ).rows,
  queue: (await sql`select measure, key, amount::text from budget_queue order by key, measure`.execute(db))
    .rows,
})

const counts = async (db: Kysely<Database>) =>
  (
    await sql<Record<string, number>>`select
      (select count(*)::int from applications) as applications, (select count(*)::int from decisions) as decisions,
      (select count(*)::int from ledger_subjects) as subjects, (select count(*)::int from ledger_once) as once,
      (select count(*)::int from ledger_entries) as entries, (select count(*)::int from budget_queue) as queue,
      (select count(*)::int from idempotency_keys) as keys, (select count(*)::int from audit_log) as audit`.execute(
      db,
    )
  ).rows[0]!

const cases: {
  name: string
  budget?: string
  competitor: Application
  mine: Application
  measure: string
}[] = [
  {
    name: 'a cap: the same project of the same enterprise (the §18 subsidy cap)',
    competitor: deepProcessing('p-cap', '120000000.00'),
    mine: deepProcessing('p-cap', '80000000.00', '2015-07-01'),
    measure: 'interest-subsidy',
  },
  {
    name: 'a one-time grant: one platform claimed by two enterprises',
    competitor: ofEnterpriseB(platform),
    mine: platform,
    measure: 'rd-platform-grant',
  },
  {
    name: 'a budget: set, and drawn by another enterprise, between the read and the store',
    budget: '100000.00',
    competitor: ofEnterpriseB(deepProcessing('p-budget-b', '1000000.00')),
    mine: deepProcessing('p-budget-a', '1000000.00'),
    measure: 'interest-subsidy',
  },
]

for (const c of cases) {
  t.test(`the stale path, ${c.name}`, async (t) => {
    const checkedDb = await testDatabase(t)
    const lockedDb = await testDatabase(t)
    const results: { mine: Decided; competitor: Decided }[] = []
    for (const [database, path] of [
      [checkedDb, 'checked'],
      [lockedDb, 'locked'],
    ] as const) {
      const keys = await keysFor(database)
      const caller = await financeCaller(database.db)
      const app = await testApp(t, database)
      const setBudget = async () => {
        if (!c.budget) return
        const put = await app.inject({
          method: 'PUT',
          url: '/v1/budgets/2015/interest-subsidy',
          headers: bearer(keys.finance),
          payload: { amount: c.budget },
        })
        t.equal(put.statusCode, 200, 'the budget is set')
      }
      if (path === 'checked') {
        const before = { ...writePathCounts }
        let competitor: Decided | null = null
        const mine = await submitApplication(checkedDb.db, caller, c.mine, {
          precomputed: precheck(c.mine),
          // Between the read and the checked store: the competitor is decided and committed.
          // A budget is set there too (none was when the application's state was read).
          beforeStore: async (attempt) => {
            if (attempt > 1) return
            await setBudget()
            if (competitor === null)
              competitor = await submitApplication(checkedDb.db, caller, c.competitor, {
                precomputed: precheck(c.competitor),
              })
          },
        })
        t.equal(writePathCounts.stale - before.stale, 1, 'the checked store found the ledger moved')
        // Decided again on the state the checked store found, and stored by the second one; with a budget
        // set, under the locks (the competitor too: a budget's applications are decided locked at once).
        t.equal(
          writePathCounts.locked - before.locked,
          c.budget ? 2 : 0,
          c.budget ? 'a budget now applies: decided under the locks' : 'decided again, stored checked',
        )
        results.push({ mine, competitor: competitor! })
      } else {
        // The locked path, the competitor committed first: what the application must be decided as.
        await setBudget()
        const competitor = await submitLocked(lockedDb.db, caller, c.competitor, {})
        const mine = await submitLocked(lockedDb.db, caller, c.mine, {})
        results.push({ mine, competitor })
      }
    }
    const [checked, locked] = results as [(typeof results)[0], (typeof results)[0]]
    // The competitor's decision id differs between the two databases (a grant's history names it).
    const named = (d: Decided, competitor: Decided) =>
      JSON.parse(JSON.stringify(d.decision).replaceAll(competitor.decision.id, '<competitor>'))
    const checkedMine = named(checked.mine, checked.competitor)
    const lockedMine = named(locked.mine, locked.competitor)
    for (const field of ['evaluation', 'history', 'totalAmount', 'asOf', 'ruleset'] as const) {
      t.same(checkedMine[field], lockedMine[field], `the decision's ${field}: as the locked path's`)
      t.same(
        checked.competitor.decision[field],
        locked.competitor.decision[field],
        `the competitor's ${field} too`,
      )
    }
    t.notSame(
      checked.mine.decision.evaluation,
      storedRecord(precheck(c.mine)),
      'and not the decision the unlocked read (an empty ledger) made',
    )
    const outcome = (d: Decided) =>
      decideCompact(d.application.facts as Application, {
        history: d.decision.history as never,
      }).outcomes.find((o) => o.measure === c.measure)!
    t.equal(outcome(checked.competitor).status, 'eligible', 'the competitor is paid')
    // Paid only what is left: nothing (ALREADY_GRANTED), unfunded (the budget is drawn), or less (the cap).
    const mine = outcome(checked.mine)
    t.ok(
      mine.status !== 'eligible' || parseFen(mine.amount!) < parseFen(outcome(checked.competitor).amount!),
      `the application is paid only what is left (${mine.status} ${mine.amount})`,
    )
    t.same(
      await ledgerState(checkedDb.db),
      await ledgerState(lockedDb.db),
      'the same ledgers, nothing granted twice',
    )
    const checkedCounts = await counts(checkedDb.db)
    t.equal(checkedCounts['applications'], 2, 'two applications stored, each once')
    t.equal(checkedCounts['decisions'], 2)
  })
}

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
