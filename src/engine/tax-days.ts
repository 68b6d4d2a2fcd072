// Every tax day rewarded once (POLICY.md §0, ruling of 2026-12-03): the shared end of the §18 tax
// rewards. Each reward keeps, per tax, the days it paid for under (measure, credit code, scope); this
// file names those ledger subjects, claims the days a decision newly counts, and decides the outcome
// when the reward is zero because earlier decisions already rewarded every day reported.

import type { Period } from './dates.ts'
import type { ConditionDef } from './facts.ts'
import type { LedgerSubject, RewardedTax, TaxRewardMeasure } from './ledgers.ts'
import type { CompactOutcome, MeasureRun } from './measure.ts'
import { type Rational, ZERO } from './money.ts'
import { LOCAL_TAXES, type LocalTaxes } from './tax.ts'
import type { Text } from './trace.ts'
import type { TaxRecord } from './types.ts'

export type TaxDaysSubjects = Readonly<Record<RewardedTax, LedgerSubject>>

/** The tax-days subjects of one reward: the enterprise's own taxes (projectId null) or a project's. */
export const taxDaysSubjects = (
  measure: TaxRewardMeasure,
  creditCode: string,
  projectId: string | null,
): TaxDaysSubjects => ({
  // spelled out in LOCAL_TAXES order (the order the record shows them): Object.fromEntries over a
  // mapped array cost about 2 % of an evaluation
  vat: { ledger: 'tax-days', measure, creditCode, projectId, tax: 'vat' },
  enterpriseIncomeTax: { ledger: 'tax-days', measure, creditCode, projectId, tax: 'enterpriseIncomeTax' },
  businessTax: { ledger: 'tax-days', measure, creditCode, projectId, tax: 'businessTax' },
})

/**
 * The subjects a reward reads for `records`: the taxes they report. Only those are locked, so
 * applications without tax records never wait on a tax ledger.
 */
export const reportedSubjects = (
  subjects: TaxDaysSubjects,
  records: readonly TaxRecord[] | undefined,
): LedgerSubject[] =>
  LOCAL_TAXES.filter((tax) => records?.some((r) => r[tax] !== undefined)).map((tax) => subjects[tax])

export interface TaxRewardSpec {
  reward: Rational
  taxes: LocalTaxes
  /** where the records are in the request */
  pointer: string
  details: Record<string, unknown>
  subjects: TaxDaysSubjects
  /** the reward-above-zero condition, in the measure's words (key "reward-above-zero", comparison ">") */
  condition: ConditionDef
  /**
   * The reason when the records hold no local taxes, for the window counted (taxes.window). A
   * function: its words are made only for that outcome, not on every reward paid.
   */
  noTaxes: (window: Period) => Text
}

/**
 * The end of a tax reward: above zero → cash (which refuses an amount below one fen) and the new days
 * claimed; zero because every day reported was rewarded before → ALREADY_REWARDED naming the
 * decisions; zero otherwise → NO_LOCAL_TAXES.
 */
export const payTaxReward = (run: MeasureRun, spec: TaxRewardSpec): CompactOutcome => {
  const { reward, taxes, pointer, details } = spec
  // Under the rulings an amount above zero goes on to cash(), which names one below a fen; the first
  // rules asked for a reward of at least one fen here.
  const paid = run.test(
    spec.condition,
    run.rulings ? run.show.yuan(reward) : reward.toMoney(),
    '0.00',
    run.rulings ? reward.gt(ZERO) : reward.toFenHalfUp() > 0n,
  )
  if (!paid && run.rulings && taxes.alreadyRewarded.length > 0) {
    const decisions = [...new Set(taxes.alreadyRewarded.map((d) => d.decisionId ?? 'unknown'))]
    return run.ineligible(
      'ALREADY_REWARDED',
      {
        zh: `所报纳税期间已获奖励（决定${decisions.join('、')}），无未奖励的天数`,
        en: `every day reported was already rewarded (decision ${decisions.join(', ')}): nothing is left to reward`,
      },
      pointer,
      { ...details, alreadyRewarded: taxes.alreadyRewarded },
    )
  }
  if (!paid) return run.ineligible('NO_LOCAL_TAXES', spec.noTaxes(taxes.window), pointer, details)
  for (const { tax, period } of taxes.newDays)
    run.claim({ kind: 'days', subject: spec.subjects[tax], period })
  return run.cash(reward, details)
}
