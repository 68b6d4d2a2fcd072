// §18 要鼓励企业转型升级: "对精深加工、延长产业链的项目，按照投资额的6%给予企业贴息补助，单个项目最高补助1000万元"
// — projects of deep processing or industrial-chain extension receive an interest subsidy of 6% of
// the investment, at most 10 000 000 yuan per project. "最高" includes the cap itself (POLICY.md §0),
// and the cap is cumulative over all the project's applications, so what earlier applications were
// granted (history, from the ledger) is deducted first (POLICY.md §5 examples 1–2). The cap is the
// enterprise's: the ledger subject is (credit code, project id), since project ids are each
// enterprise's own labels (POLICY.md §0 "Whose ledger").

import { defineCondition, defineNote, defineStep, type Exact, exact } from '../facts.ts'
import type { LedgerSubject } from '../ledgers.ts'
import type { Measure } from '../measure.ts'
import { Rational, ZERO } from '../money.ts'

const SCOPE = 'interest-subsidy'
const DESIGNATED = defineCondition(SCOPE, {
  key: 'deep-processing-or-chain-extension',
  input: (a) => ({
    deepProcessing: a.project!.deepProcessing ?? false,
    chainExtension: a.project!.chainExtension ?? false,
  }),
  threshold: () => 'at least one true',
  description: {
    zh: '项目属于精深加工或延长产业链',
    en: 'the project is deep processing or chain extension',
  },
  comparison: 'is',
})
const POSITIVE = defineCondition(SCOPE, {
  key: 'investment-positive',
  input: (a) => a.project!.investment,
  threshold: () => '0.00',
  description: { zh: '本次申请的投资额大于零', en: 'the investment claimed is above zero' },
  comparison: '>',
})
const BEFORE_CAP = defineStep(SCOPE, {
  key: 'before-cap',
  description: { zh: '封顶前贴息补助', en: 'subsidy before the cap' },
  expression: ([rate, investment], _, { show }) => `${show.number(rate!)} × ${show.yuan(investment!)}`,
})
const CAP_LEFT = defineStep(SCOPE, {
  key: 'cap-left',
  description: { zh: '本项目剩余补助上限', en: 'cap left for this project' },
  expression: ([cap, granted], _, { show }) => `max(0, ${show.yuan(cap!)} − ${show.yuan(granted!)})`,
})
const AFTER_CAP = defineStep(SCOPE, {
  key: 'after-cap',
  description: { zh: '封顶后贴息补助', en: 'subsidy after the cap' },
  expression: ([base, remaining], _, { show }) => `min(${show.yuan(base!)}, ${show.yuan(remaining!)})`,
})
/** operands: [cap, granted] */
const CAPPED = defineNote(SCOPE, {
  key: 'capped',
  text: ([cap, granted], { show }) => ({
    zh: `受§18单个项目最高补助${show.yuan(exact(cap as Exact))}元限制：已补助${show.yuan(exact(granted as Exact))}元`,
    en: `capped by §18's ${show.yuan(exact(cap as Exact))} per project: ${show.yuan(exact(granted as Exact))} already granted`,
  }),
})

export const interestSubsidy: Measure = {
  id: 'interest-subsidy',
  clause: '§18',
  title: {
    zh: '精深加工、延长产业链项目贴息补助',
    en: 'Interest subsidy for deep-processing and chain-extension projects',
  },
  summary: {
    zh: '按投资额的6%给予贴息补助，单个项目累计最高1000万元。',
    en: '6% of the investment, at most 10 000 000 yuan per project over all its applications.',
  },
  cash: true,
  inputs: ['/project/id', '/project/deepProcessing', '/project/chainExtension', '/project/investment'],

  subjects: (application) =>
    application.project ? [subjectOf(application.enterprise.creditCode, application.project.id)] : [],

  evaluate(run) {
    const project = run.application.project
    if (!project) return run.missing(['/project'])
    if (project.investment === undefined) return run.missing(['/project/investment'])

    const designated = project.deepProcessing === true || project.chainExtension === true
    const qualifies = run.test(DESIGNATED, undefined, undefined, designated)
    if (!qualifies) {
      return run.ineligible(
        'NOT_DEEP_PROCESSING',
        {
          zh: '项目不属于精深加工或延长产业链项目',
          en: 'the project is neither deep processing nor chain extension',
        },
        '/project/deepProcessing',
      )
    }

    const investment = Rational.parse(project.investment)
    const positive = run.test(POSITIVE, undefined, undefined, investment.gt(ZERO))
    if (!positive) {
      return run.ineligible(
        'NO_INVESTMENT',
        { zh: '投资额为零', en: 'the investment is zero' },
        '/project/investment',
      )
    }

    const rate = run.params.requireDecimal('interestSubsidy.rate', run.asOf)
    const cap = run.params.requireDecimal('interestSubsidy.capPerProject', run.asOf)
    const subject = subjectOf(run.application.enterprise.creditCode, project.id)
    const granted = Rational.parse(run.granted.total(subject))

    const base = run.step(BEFORE_CAP, rate.times(investment), [rate, investment])
    const remaining = run.step(CAP_LEFT, cap.minus(granted).max(ZERO), [cap, granted])
    const amount = run.step(AFTER_CAP, base.min(remaining), [base, remaining])
    const wasCapped = amount.lt(base)
    if (wasCapped) run.note(CAPPED, [cap.toCompact(), granted.toCompact()])

    const details = {
      investment: investment.toMoney(),
      rate: run.show.number(rate),
      uncapped: base.toMoney(),
      previouslyGranted: granted.toMoney(),
      capPerProject: cap.toMoney(),
      remainingBefore: remaining.toMoney(),
    }
    if (amount.gt(ZERO)) {
      run.claim({
        kind: 'cumulative',
        subject,
        amount: amount.toMoney(),
        cap: cap.toMoney(),
      })
    } else {
      run.reason('CAP_REACHED', {
        zh: `该项目贴息补助已达上限${cap.toMoney()}元`,
        en: `the project has reached the cap of ${cap.toMoney()} yuan`,
      })
    }
    return run.cash(amount, details, wasCapped)
  },
}

const subjectOf = (creditCode: string, projectId: string): LedgerSubject => ({
  ledger: 'interest-subsidy',
  creditCode,
  projectId,
})
