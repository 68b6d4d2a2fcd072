// Budget pools (POLICY.md §3, our addition; §0 status `unfunded`): an annual budget per measure, and
// optionally per prefecture; approvals draw it down in submission order; once it is spent, further
// eligible outcomes are `unfunded` — the amount due is shown, nothing is paid, and the outcome waits
// in the budget's queue until a top-up funds it (a correction, src/decisions/budgets.ts).
//
// The engine stays pure: the database locks the budgets that apply and reads their state (amount,
// drawn, queue ahead) into the History, and this file decides from it after every measure has
// applied its own caps. A budget is a cumulative ledger subject (src/engine/ledgers.ts): a funded
// outcome claims its amount against the budget's amount as cap, so CHECK (total <= cap) refuses an
// overdraft even if this logic were wrong. The state the decision saw is stored in its history, so
// a replay reproduces `unfunded`.

import { defineCondition } from './facts.ts'
import type { BudgetState, History, LedgerSubject, RecordedLedgerClaim } from './ledgers.ts'
import type { CompactOutcome, MeasureRun } from './measure.ts'
import { MEASURES, measureTitle } from './measures/index.ts'
import { Rational } from './money.ts'
import { prefecture } from './prefectures.ts'
import type { Application, MeasureId } from './types.ts'

/**
 * The choices POLICY.md §3 leaves open, made here once (README "Budgets"):
 * - year: the budget year of an application is the year of its application date;
 * - scope: when a prefecture's budget is set for (year, measure) it pays that prefecture's
 *   applications, and only it; otherwise the province-wide budget pays (a prefecture budget is a
 *   pool of its own, not a part of the province's);
 * - partial: an amount the budget's remainder cannot cover wholly is wholly unfunded (never split:
 *   an outcome is paid in full or waits);
 * - order: approvals draw in submission order, so while unfunded outcomes submitted earlier wait in
 *   the queue, a later one waits behind them even if it would fit the remainder.
 */
export const BUDGET_RULES = {
  year: 'application-date',
  scope: 'prefecture-budget-else-province',
  partial: 'whole-or-unfunded',
  order: 'submission-queue',
} as const

export const BUDGET_CLAUSE = '§3 (budget pools)'

/** The budget year of an application (BUDGET_RULES.year). */
export const budgetYear = (application: Application): number =>
  Number(application.applicationDate.slice(0, 4))

/** Measures that pay money: only they can draw a budget. */
export const BUDGETED_MEASURES: readonly MeasureId[] = MEASURES.filter((m) => m.cash).map((m) => m.id)

/**
 * What an application's budget candidates depend on — its budget year and prefecture, nothing else —
 * as one key: applications with the same key have the same candidates (a batch chunk looks them up
 * once per key, src/decisions/decide-chunk.ts).
 */
export const budgetScopeKey = (application: Application): string =>
  `${budgetYear(application)}\u0000${application.project?.prefecture ?? '\u0000'}`

/** Every budget subject that could pay one of the application's outcomes: what the database looks up. */
export const budgetCandidates = (application: Application): LedgerSubject[] => {
  // Reads only what budgetScopeKey reads.
  const year = budgetYear(application)
  const prefecture = application.project?.prefecture ?? null
  return BUDGETED_MEASURES.flatMap((measure): LedgerSubject[] => [
    { ledger: 'budget', year, measure, prefecture: null },
    ...(prefecture === null ? [] : [{ ledger: 'budget' as const, year, measure, prefecture }]),
  ])
}

/** The budget that pays a measure's outcome for this application, if one is set (BUDGET_RULES.scope). */
export const applicableBudget = (
  application: Application,
  measure: MeasureId,
  budgets: readonly BudgetState[] | undefined,
): BudgetState | null => {
  if (!budgets?.length) return null
  const year = budgetYear(application)
  const prefecture = application.project?.prefecture ?? null
  const of = (p: string | null) =>
    budgets.find((b) => b.year === year && b.measure === measure && b.prefecture === p)
  return (prefecture !== null ? of(prefecture) : undefined) ?? of(null) ?? null
}

const label = (b: BudgetState) => ({
  zh: `${b.year}年${b.measure}${b.prefecture === null ? '全省' : `（${b.prefecture}）`}预算`,
  en: `the ${b.year} ${b.measure} budget${b.prefecture === null ? ' (province-wide)' : ` of ${b.prefecture}`}`,
})

/**
 * The budget as people name it (ruleset 1.4.0 on: reasons are stored with the decision, so earlier
 * ones keep their ids): the measure's title and the prefecture's name, in each language —
 * "2015年精深加工、延长产业链项目贴息补助（曲靖市）预算", not "2015年interest-subsidy（qujing）预算".
 */
const namedLabel = (b: BudgetState) => {
  const title = measureTitle(b.measure)
  const place = b.prefecture === null ? null : (prefecture(b.prefecture) ?? null)
  return {
    zh: `${b.year}年${title.zh}${b.prefecture === null ? '全省' : `（${place?.zh ?? b.prefecture}）`}预算`,
    en: `the ${b.year} budget of “${title.en}”${b.prefecture === null ? ' (province-wide)' : ` in ${place?.en ?? b.prefecture}`}`,
  }
}

/** args: [year, measure, prefecture, amount, drawn, queued ahead] */
const BUDGET_COVERS = defineCondition('', {
  key: 'budget-covers-amount',
  clause: BUDGET_CLAUSE,
  description: ([year, measure, prefecture, , , queued]) => {
    const b = label({ year, measure, prefecture } as BudgetState)
    return {
      zh: `${b.zh}余额足以全额支付，且无更早的待拨付申请（${queued}项）`,
      en: `${b.en} has enough left to pay the amount in full, with no earlier unfunded outcome waiting (${queued} waiting)`,
    }
  },
  comparison: '<=',
})

const isPaying = (o: CompactOutcome): boolean =>
  o.status === 'eligible' && o.amount !== null && Rational.parse(o.amount).gt(Rational.int(0))

/**
 * A measure's outcome under the budget that pays it (after the measure's own caps): a paying
 * outcome the budget covers claims its amount from the budget; one it cannot cover wholly, or that
 * has earlier unfunded outcomes ahead of it, is `unfunded` with its amount due and claims nothing
 * but, from ruleset 1.6.0, holds of its one-time grants.
 */
export const applyBudget = (
  outcome: CompactOutcome,
  run: MeasureRun,
  application: Application,
  history: History,
): CompactOutcome => {
  if (!isPaying(outcome)) return outcome
  const budget = applicableBudget(application, outcome.measure, history.budgets)
  if (!budget) return outcome
  const due = Rational.parse(outcome.amount!)
  const remaining = Rational.parse(budget.amount).minus(Rational.parse(budget.drawn))
  const covered = budget.queued === 0 && due.lte(remaining)
  run.test(BUDGET_COVERS, outcome.amount, remaining.toMoney(), covered, [
    budget.year,
    budget.measure,
    budget.prefecture,
    budget.amount,
    budget.drawn,
    budget.queued,
  ])
  const subject: LedgerSubject = {
    ledger: 'budget',
    year: budget.year,
    measure: budget.measure,
    prefecture: budget.prefecture,
  }
  if (covered) {
    return {
      ...outcome,
      ledger: [
        ...outcome.ledger,
        { kind: 'cumulative', subject, amount: outcome.amount!, cap: budget.amount },
      ],
    }
  }
  const b = run.rulings20261206 ? namedLabel(budget) : label(budget)
  const reason =
    budget.queued > 0
      ? {
          code: 'BUDGET_QUEUE',
          message: {
            zh: `${b.zh}已有${budget.queued}项更早的待拨付申请，本项应付${outcome.amount}元按提交顺序排队`,
            en: `${b.en} has ${budget.queued} earlier unfunded outcome(s) waiting: ${outcome.amount} due waits in submission order`,
          },
        }
      : {
          code: 'BUDGET_EXHAUSTED',
          message: {
            zh: `${b.zh}余额${remaining.toMoney()}元不足以支付应付金额${outcome.amount}元，待预算追加后拨付`,
            en: `${b.en} has ${remaining.toMoney()} left, less than the ${outcome.amount} due: it waits for a top-up`,
          },
        }
  return {
    ...outcome,
    status: 'unfunded',
    reasons: [...outcome.reasons, reason],
    // From ruleset 1.6.0 it holds what it would grant once, without an amount (as a standards award
    // under review does): the same grant claimed again, under this budget or another, is
    // ALREADY_CLAIMED naming this decision (src/engine/one-time-grants.ts heldBy) instead of waiting
    // twice or being paid ahead of the queue. Caps and tax days are drawn when it is funded (the
    // correction that funds it decides it again).
    ledger: run.holdsUnfunded
      ? outcome.ledger.flatMap((c): RecordedLedgerClaim[] =>
          !Array.isArray(c) && c.kind === 'once' ? [{ ...c, amount: null }] : [],
        )
      : [],
  }
}
