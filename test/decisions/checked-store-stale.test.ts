// A new application in two round trips (src/decisions/decide.ts submitChecked, migration
// 2026-12-04T1800): the ledger state read unlocked, then one statement that locks, reads it again and
// stores only if it did not move. Here the ledger is made to move in between — a competing decision,
// of another enterprise or the same, committed after the read — on a cap, a one-time grant and a
// budget: the store is refused with nothing written, the application is decided again under the
// locks, and its decision is field by field the one the locked path makes with the competitor
// committed first (on a second database, in that order); nothing is granted twice.

import t from 'tap'
import {
  type Decided,
  precheck,
  submitApplication,
  submitLocked,
  writePathCounts,
} from '../../src/decisions/decide.ts'
import { decideCompact } from '../../src/engine/evaluate.ts'
import { parseFen } from '../../src/engine/money.ts'
import { storedRecord } from '../../src/engine/stored-record.ts'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { counts, financeCaller, ledgerState, ofEnterpriseB, platform } from '../helpers/checked-store.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

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
