// Budget pools in the pure engine (POLICY.md §3): the budget state comes in the history, and the
// engine decides `unfunded` from it after the measure's own caps (src/engine/budgets.ts).

import t from 'tap'
import { budgetCandidates, budgetScopeKey } from '../../src/engine/budgets.ts'
import { evaluate } from '../../src/engine/evaluate.ts'
import { type BudgetState, subjectKey } from '../../src/engine/ledgers.ts'
import type { Application, History } from '../../src/engine/types.ts'
import { deepProcessing } from '../helpers/fixtures.ts'

// 6% × 1 000 000.00 = 60 000.00 due (POLICY.md §5 example 1's rule).
const facts: Application = deepProcessing('p-1', '1000000.00', '2015-06-01')

const budget = (over: Partial<BudgetState> & Pick<BudgetState, 'amount' | 'drawn'>): BudgetState => {
  const year = over.year ?? 2015
  const prefecture = over.prefecture ?? null
  return {
    key: subjectKey({ ledger: 'budget', year, measure: 'interest-subsidy', prefecture }),
    year,
    measure: 'interest-subsidy',
    prefecture,
    queued: 0,
    ...over,
  }
}

const subsidy = (history: History, application = facts) => {
  const e = evaluate(application, { history })
  return { outcome: e.outcomes.find((o) => o.measure === 'interest-subsidy')!, total: e.totalAmount }
}

t.test('no budget in the history: the outcome is what it always was', async (t) => {
  const { outcome, total } = subsidy({})
  t.equal(outcome.status, 'eligible')
  t.equal(outcome.amount, '60000.00')
  t.equal(total, '60000.00')
  t.notOk(
    outcome.ledger.some((c) => c.subject.ledger === 'budget'),
    'no budget claim',
  )
})

t.test('a budget that covers the amount is drawn: a cumulative claim capped at its amount', async (t) => {
  // exactly the amount left: "covers" includes equality
  const { outcome } = subsidy({ budgets: [budget({ amount: '100000.00', drawn: '40000.00' })] })
  t.equal(outcome.status, 'eligible')
  t.same(
    outcome.ledger.find((c) => c.subject.ledger === 'budget'),
    {
      kind: 'cumulative',
      subject: { ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: null },
      amount: '60000.00',
      cap: '100000.00',
    },
  )
  const condition = outcome.trace.conditions.find((c) => c.id === 'budget-covers-amount')
  t.match(condition, { holds: true, input: '60000.00', threshold: '60000.00' }, 'the trace shows the test')
})

t.test('one fen short: unfunded, the amount due shown, nothing claimed or paid', async (t) => {
  const { outcome, total } = subsidy({ budgets: [budget({ amount: '100000.00', drawn: '40000.01' })] })
  t.equal(outcome.status, 'unfunded')
  t.equal(outcome.amount, '60000.00', 'amount = the amount due')
  t.same(outcome.ledger, [], 'no claim: neither the budget nor the project cap is drawn')
  t.equal(total, '0.00', 'the decision pays nothing')
  t.same(
    outcome.reasons.map((r) => r.code),
    ['BUDGET_EXHAUSTED'],
  )
  t.match(
    outcome.trace.conditions.find((c) => c.id === 'budget-covers-amount'),
    {
      holds: false,
      threshold: '59999.99',
    },
  )
})

t.test('earlier outcomes waiting: unfunded even if the amount would fit (submission order)', async (t) => {
  const { outcome } = subsidy({ budgets: [budget({ amount: '1000000.00', drawn: '0.00', queued: 1 })] })
  t.equal(outcome.status, 'unfunded')
  t.same(
    outcome.reasons.map((r) => r.code),
    ['BUDGET_QUEUE'],
  )
})

t.test("a prefecture's budget pays instead of the province-wide one", async (t) => {
  const province = budget({ amount: '1000000.00', drawn: '0.00' })
  const qujing = budget({ amount: '10.00', drawn: '0.00', prefecture: 'qujing' })
  t.equal(subsidy({ budgets: [province, qujing] }).outcome.status, 'unfunded', 'Qujing’s budget applies')
  const elsewhere = { ...facts, project: { ...facts.project!, prefecture: 'kunming' } }
  t.equal(
    subsidy({ budgets: [province, qujing] }, elsewhere).outcome.status,
    'eligible',
    'Kunming has no budget of its own: the province pays',
  )
})

t.test("another year's budget does not apply: the application date's year does", async (t) => {
  const { outcome } = subsidy({ budgets: [budget({ year: 2016, amount: '0.00', drawn: '0.00' })] })
  t.equal(outcome.status, 'eligible')
})

t.test('an outcome that pays nothing does not draw', async (t) => {
  // the project's cap is already reached: capped, 0.00
  const history: History = {
    totals: [
      {
        ledger: 'interest-subsidy',
        key: subjectKey({
          ledger: 'interest-subsidy',
          creditCode: facts.enterprise.creditCode,
          projectId: 'p-1',
        }),
        total: '10000000.00',
      },
    ],
    budgets: [budget({ amount: '0.00', drawn: '0.00' })],
  }
  t.equal(subsidy(history).outcome.status, 'capped')
})

t.test(
  'the candidates the database looks up: each cash measure, province-wide and the prefecture',
  async (t) => {
    const keys = budgetCandidates(facts).map(subjectKey)
    t.ok(keys.includes(JSON.stringify([2015, 'interest-subsidy', null])))
    t.ok(keys.includes(JSON.stringify([2015, 'interest-subsidy', 'qujing'])))
    t.notOk(
      keys.some((k) => k.includes('land-price-ceiling')),
      'a non-cash measure draws no budget',
    )
  },
)

t.test('budgetScopeKey: one key, the same candidates; another year or prefecture, another key', async (t) => {
  const other = deepProcessing('p-other', '250000.00', '2015-11-30')
  t.equal(budgetScopeKey(other), budgetScopeKey(facts), 'same year and prefecture, other facts')
  t.same(budgetCandidates(other), budgetCandidates(facts))
  const nextYear = deepProcessing('p-1', '1000000.00', '2016-06-01')
  t.not(budgetScopeKey(nextYear), budgetScopeKey(facts))
  t.notSame(budgetCandidates(nextYear), budgetCandidates(facts))
  const elsewhere: Application = { ...facts, project: { ...facts.project!, prefecture: 'dali' } }
  t.not(budgetScopeKey(elsewhere), budgetScopeKey(facts))
  t.notSame(budgetCandidates(elsewhere), budgetCandidates(facts))
})

t.test(
  'the reasons name the budget as people do (1.4.0): the measure’s title, the prefecture’s name',
  async (t) => {
    const qujing = budget({ amount: '100.00', drawn: '0.00', prefecture: 'qujing' })
    const { outcome } = subsidy({ budgets: [qujing] })
    t.equal(
      outcome.reasons[0]!.message.zh,
      '2015年精深加工、延长产业链项目贴息补助（曲靖市）预算余额100.00元不足以支付应付金额60000.00元，待预算追加后拨付',
    )
    t.match(
      outcome.reasons[0]!.message.en,
      /^the 2015 budget of “Interest subsidy .*” in Qujing has 100\.00 left/,
    )
    const queued = subsidy({ budgets: [budget({ amount: '1000000.00', drawn: '0.00', queued: 2 })] }).outcome
    t.match(
      queued.reasons[0]!.message.zh,
      /^2015年精深加工、延长产业链项目贴息补助全省预算已有2项更早的待拨付申请/,
    )
    // 1.3.0 decisions keep the words they were stored with
    const earlier = evaluate(facts, { history: { budgets: [qujing] }, ruleset: '1.3.0' }).outcomes.find(
      (o) => o.measure === 'interest-subsidy',
    )!
    t.match(earlier.reasons[0]!.message.zh, /^2015年interest-subsidy（qujing）预算余额/)
  },
)
