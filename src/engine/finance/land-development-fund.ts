// §14 降低工业用地成本: "要建立工业转型升级用地开发资金。各州（市）、县（市、区）要从本级除工业以外的
// 土地出让总收入中，按5%比例提取资金，纳入本级财政基金预算管理，专项用于工业用地开发。"
// — every prefecture and county sets aside 5% of its own land transfer revenue other than from
// industrial land, for industrial land development (POLICY.md §3).
//
// Reading: base = total land transfer revenue − industrial land transfer revenue of the period;
// amount = rate × base, rounded half-up to the fen once per entity (each government sets aside its
// own fund); the totals add the rounded amounts. The rate and the levels that must set the fund
// aside are dated parameters read as of `asOf`. Industrial revenue above the total is an input error.

import { isIsoDate, type Period } from '../dates.ts'
import { EngineError } from '../errors.ts'
import { GOVERNMENT_LEVEL_LABELS, labelOf } from '../labels.ts'
import { Rational, sum } from '../money.ts'
import type { Trace } from '../trace.ts'
import type { Reason } from '../types.ts'
import { Computation, duplicateId, type FinanceOptions, NON_EMPTY_ID, parseAmount } from './computation.ts'

export interface LandTransferRevenue {
  /** prefecture (pinyin, e.g. "qujing") or county id */
  id: string
  /** "prefecture" or "county" (parameter landDevelopmentFund.levels) */
  level: string
  /** all land transfer revenue of the period, yuan */
  totalLandTransferRevenue: string
  /** of which from industrial land, yuan */
  industrialLandTransferRevenue: string
}

export interface LandDevelopmentFundInput {
  /** the period the revenue was collected in (inclusive dates) */
  period: Period
  entities: LandTransferRevenue[]
}

export interface LandDevelopmentFundEntity {
  id: string
  level: string
  applicable: boolean
  totalLandTransferRevenue: string
  industrialLandTransferRevenue: string
  /** revenue other than industrial land, yuan (0.00 when not applicable) */
  base: string
  /** the amount to set aside, yuan, rounded half-up to the fen */
  amount: string
  reasons: Reason[]
}

export interface LandDevelopmentFundResult {
  computation: 'land-development-fund'
  clause: '§14'
  asOf: string
  period: Period
  /** the rate read, or null when the rule is not in force on asOf */
  rate: string | null
  entities: LandDevelopmentFundEntity[]
  totals: {
    totalLandTransferRevenue: string
    industrialLandTransferRevenue: string
    base: string
    amount: string
  }
  trace: Trace
}

const checkPeriod = (period: Period): void => {
  if (!period || !isIsoDate(period.from) || !isIsoDate(period.to) || period.from > period.to) {
    throw new EngineError(
      'InvalidInput',
      '/period',
      {
        zh: '应为期间 { from, to }：两个日期，且 from ≤ to',
        en: 'expected a period { from, to } of dates with from ≤ to',
      },
      { period },
    )
  }
}

export const landDevelopmentFund = (
  input: LandDevelopmentFundInput,
  options: FinanceOptions,
): LandDevelopmentFundResult => {
  checkPeriod(input.period)
  const c = new Computation('§14', options)
  const rate = c.params.decimal('landDevelopmentFund.rate', options.asOf)
  const levels = c.params.list('landDevelopmentFund.levels', options.asOf)
  if (rate === null)
    c.note({
      zh: `landDevelopmentFund.rate 在${options.asOf}未生效：不提取资金`,
      en: `landDevelopmentFund.rate is not in force on ${options.asOf}: nothing is set aside`,
    })

  const seen = new Set<string>()
  const entities = input.entities.map((entity, i): LandDevelopmentFundEntity => {
    const pointer = `/entities/${i}`
    if (typeof entity.id !== 'string' || entity.id === '')
      throw new EngineError('InvalidInput', `${pointer}/id`, NON_EMPTY_ID)
    if (seen.has(entity.id))
      throw new EngineError('InvalidInput', `${pointer}/id`, duplicateId(entity.id), { id: entity.id })
    seen.add(entity.id)
    const total = parseAmount(entity.totalLandTransferRevenue, `${pointer}/totalLandTransferRevenue`)
    const industrial = parseAmount(
      entity.industrialLandTransferRevenue,
      `${pointer}/industrialLandTransferRevenue`,
    )
    if (industrial.gt(total)) {
      throw new EngineError(
        'InvalidInput',
        `${pointer}/industrialLandTransferRevenue`,
        {
          zh: `工业用地出让收入${industrial.toYuan()}元超过了土地出让总收入${total.toYuan()}元`,
          en: `industrial land transfer revenue ${industrial.toYuan()} exceeds the total ${total.toYuan()}`,
        },
        { id: entity.id },
      )
    }
    const row = {
      id: entity.id,
      level: entity.level,
      totalLandTransferRevenue: total.toMoney(),
      industrialLandTransferRevenue: industrial.toMoney(),
    }

    if (rate === null) {
      const reason: Reason = {
        code: 'NOT_IN_FORCE',
        message: {
          zh: `${options.asOf}用地开发资金提取比例未生效`,
          en: `the fund rate is not in force on ${options.asOf}`,
        },
      }
      return { ...row, applicable: false, base: '0.00', amount: '0.00', reasons: [reason] }
    }
    const atLevel = c.condition({
      id: `${entity.id}:level`,
      description: {
        zh: `${entity.id} 为州（市）或县（市、区）`,
        en: `${entity.id} is a prefecture or a county`,
      },
      input: entity.level,
      comparison: 'in',
      threshold: levels,
      holds: levels.includes(entity.level),
    })
    if (!atLevel) {
      const level = labelOf(GOVERNMENT_LEVEL_LABELS, entity.level)
      const reason: Reason = {
        code: 'LEVEL_NOT_COVERED',
        message: {
          zh: `${level.zh}级不在提取用地开发资金的范围内`,
          en: `the level ${level.en} does not set the fund aside`,
        },
        field: `${pointer}/level`,
      }
      return { ...row, applicable: false, base: '0.00', amount: '0.00', reasons: [reason] }
    }

    const base = c.step(
      {
        zh: `${entity.id}：工业用地以外的土地出让收入`,
        en: `${entity.id}: land transfer revenue other than industrial land`,
      },
      `${total.toYuan()} − ${industrial.toYuan()}`,
      total.minus(industrial),
    )
    const amount = c.step(
      { zh: `${entity.id}：应提取的用地开发资金`, en: `${entity.id}: fund to set aside` },
      `${rate} × ${base.toYuan()}`,
      rate.times(base),
    )
    return { ...row, applicable: true, base: base.toMoney(), amount: amount.toMoney(), reasons: [] }
  })

  const totalAmount = sum(entities.map((e) => Rational.parse(e.amount)))
  if (entities.some((e) => e.applicable)) {
    c.step(
      { zh: '提取总额（各舍入后金额之和）', en: 'total set aside (sum of the rounded amounts)' },
      entities
        .filter((e) => e.applicable)
        .map((e) => e.amount)
        .join(' + '),
      totalAmount,
    )
  }
  return {
    computation: 'land-development-fund',
    clause: '§14',
    asOf: options.asOf,
    period: { from: input.period.from, to: input.period.to },
    rate: rate === null ? null : rate.toString(),
    entities,
    totals: {
      totalLandTransferRevenue: sum(
        entities.map((e) => Rational.parse(e.totalLandTransferRevenue)),
      ).toMoney(),
      industrialLandTransferRevenue: sum(
        entities.map((e) => Rational.parse(e.industrialLandTransferRevenue)),
      ).toMoney(),
      base: sum(entities.map((e) => Rational.parse(e.base))).toMoney(),
      amount: totalAmount.toMoney(),
    },
    trace: c.trace,
  }
}
