// §18 强化财税政策导向: "要统筹现有各项工业扶持资金。集中不少于60%的省级各类扶持工业发展专项资金，支持
// 重点产业、重点企业发展和重点项目建设。" — at least 60% of the provincial special funds for industry go
// to key industries, enterprises and projects (POLICY.md §3).
//
// Reading: share = (sum of disbursements flagged key) ÷ (sum of all disbursements), kept as an exact
// ratio; "不少于" includes the threshold, so the check passes when share ≥ the parameter
// fundConcentration.minimumKeyShare (0.60). With nothing disbursed the share is undefined: the result
// says so (share null, passes null, reason NO_DISBURSEMENTS) rather than passing or failing; before
// the rule is in force the share is computed and passes is null (reason NOT_IN_FORCE).

import { EngineError } from '../errors.ts'
import { type Rational, sum } from '../money.ts'
import { decimalOf } from '../parameters/parameter-set.ts'
import type { Trace } from '../trace.ts'
import type { Reason } from '../types.ts'
import { Computation, duplicateId, type FinanceOptions, NON_EMPTY_ID, parseAmount } from './computation.ts'

export interface Disbursement {
  id: string
  /** yuan */
  amount: string
  /** goes to a key industry, enterprise or project */
  key: boolean
}

export interface FundConcentrationInput {
  disbursements: Disbursement[]
}

export interface FundConcentrationResult {
  computation: 'fund-concentration'
  clause: '§18'
  asOf: string
  totals: { disbursed: string; key: string; other: string; count: number; keyCount: number }
  /** key ÷ disbursed as an exact ratio ("0.6", "2/3"), null when nothing was disbursed */
  share: string | null
  /** null when the rule is not in force on asOf */
  minimumShare: string | null
  /** share ≥ minimumShare; null when nothing was disbursed or the rule is not in force */
  passes: boolean | null
  reasons: Reason[]
  trace: Trace
}

export const fundConcentration = (
  input: FundConcentrationInput,
  options: FinanceOptions,
): FundConcentrationResult => {
  if (!Array.isArray(input.disbursements))
    throw new EngineError('InvalidInput', '/disbursements', {
      zh: '应为拨付记录的列表',
      en: 'expected a list of disbursements',
    })
  const seen = new Set<string>()
  const parsed = input.disbursements.map((d, i) => {
    if (typeof d.id !== 'string' || d.id === '')
      throw new EngineError('InvalidInput', `/disbursements/${i}/id`, NON_EMPTY_ID)
    if (seen.has(d.id))
      throw new EngineError('InvalidInput', `/disbursements/${i}/id`, duplicateId(d.id), { id: d.id })
    seen.add(d.id)
    if (typeof d.key !== 'boolean')
      throw new EngineError('InvalidInput', `/disbursements/${i}/key`, {
        zh: '应为 true 或 false',
        en: 'expected true or false',
      })
    return { amount: parseAmount(d.amount, `/disbursements/${i}/amount`), key: d.key }
  })

  const c = new Computation('§18', options)
  const minimumRead = c.params.read('fundConcentration.minimumKeyShare', options.asOf)
  const minimum = minimumRead.value === null ? null : decimalOf(minimumRead)
  const keyAmounts = parsed.filter((d) => d.key).map((d) => d.amount)
  const otherAmounts = parsed.filter((d) => !d.key).map((d) => d.amount)
  const addition = (xs: Rational[]) => (xs.length ? xs.map((x) => x.toYuan()).join(' + ') : '0')
  const key = c.step(
    {
      zh: '用于重点产业、重点企业和重点项目的拨付额',
      en: 'disbursed to key industries, enterprises and projects',
    },
    addition(keyAmounts),
    sum(keyAmounts),
  )
  const other = c.step(
    { zh: '其他拨付额', en: 'disbursed otherwise' },
    addition(otherAmounts),
    sum(otherAmounts),
  )
  const disbursed = c.step(
    { zh: '拨付总额', en: 'disbursed in all' },
    `${key.toYuan()} + ${other.toYuan()}`,
    key.plus(other),
  )

  const totals = {
    disbursed: disbursed.toMoney(),
    key: key.toMoney(),
    other: other.toMoney(),
    count: parsed.length,
    keyCount: keyAmounts.length,
  }
  const base = {
    computation: 'fund-concentration' as const,
    clause: '§18' as const,
    asOf: options.asOf,
    totals,
    // As the parameter is written ("0.60"), the value the decision's parametersUsed shows.
    minimumShare: minimumRead.value === null ? null : String(minimumRead.value),
  }
  if (disbursed.isZero()) {
    c.note({
      zh: '无任何拨付：重点投向比例无从计算',
      en: 'nothing was disbursed: the share of key disbursements is undefined',
    })
    return {
      ...base,
      share: null,
      passes: null,
      reasons: [
        {
          code: 'NO_DISBURSEMENTS',
          message: { zh: '无已拨付的专项资金，无法计算比例', en: 'nothing was disbursed: no share to check' },
          field: '/disbursements',
        },
      ],
      trace: c.trace,
    }
  }

  const share = c.step(
    { zh: '重点投向资金比例', en: 'share of key disbursements' },
    `${key.toYuan()} ÷ ${disbursed.toYuan()}`,
    key.dividedBy(disbursed),
    'number',
  )
  if (minimum === null) {
    c.note({
      zh: `fundConcentration.minimumKeyShare 在${options.asOf}未生效`,
      en: `fundConcentration.minimumKeyShare is not in force on ${options.asOf}`,
    })
    return {
      ...base,
      share: share.toString(),
      passes: null,
      reasons: [
        {
          code: 'NOT_IN_FORCE',
          message: {
            zh: `${options.asOf}专项资金集中投向比例要求未生效`,
            en: `the concentration requirement is not in force on ${options.asOf}`,
          },
        },
      ],
      trace: c.trace,
    }
  }
  const passes = c.condition({
    id: 'key-share-at-least-minimum',
    description: {
      zh: '用于重点产业、重点企业和重点项目的资金比例不少于规定比例',
      en: 'the share going to key industries, enterprises and projects is at least the minimum',
    },
    input: share.toString(),
    comparison: '>=',
    threshold: minimum.toString(),
    holds: share.gte(minimum),
  })
  return {
    ...base,
    share: share.toString(),
    passes,
    reasons: passes
      ? []
      : [
          {
            code: 'KEY_SHARE_BELOW_MINIMUM',
            message: {
              zh: `重点投向资金比例${share}低于${minimum}`,
              en: `the key share ${share} is below the minimum ${minimum}`,
            },
          },
        ],
    trace: c.trace,
  }
}
