// §18 强化财税政策导向: "要支持产业集聚。依照现行财政体制规定，省级工业园区新增税收应上缴省级财政部分，
// 留给工业园区用于基础设施建设。" — a provincial-level industrial park keeps, for its infrastructure, the
// part of its NEW tax revenue that the current fiscal system would remit to the province (POLICY.md §3).
//
// Reading:
// - "新增税收" is this year's revenue over the base year's, per tax type; revenue is the park's
//   local-level revenue (地方级收入, after the central share).
// - "应上缴省级财政部分" is that increase times the province's share of the tax type, from the table
//   parameter parkTaxRetention.provincialShare. The source gives no shares (it refers to the current
//   fiscal system), so the defaults are PLACEHOLDERS the finance bureau must set; a request overrides
//   them like any parameter (e.g. `{ "parkTaxRetention.provincialShare": { "vat": "0.25", … } }`).
// - Increases and decreases are netted across tax types before the floor at zero: the 2016-05-01
//   VAT reform moved revenue from business tax to VAT, and a per-type floor would count that shift
//   as new revenue. A tax type given for only one of the two years counts 0 for the other.
// - Only parks whose level is in parkTaxRetention.parkLevels (default: provincial, read literally)
//   are covered; any other park is not applicable (and every park before the rule is in force).
//   No net increase → 0.00, reason NO_TAX_INCREASE.
// Rounded half-up to the fen once, at the end.

import { EngineError } from '../errors.ts'
import { labelOf, PARK_LEVEL_LABELS } from '../labels.ts'
import { Rational, sum, ZERO } from '../money.ts'
import { TAX_NAMES } from '../tax.ts'
import type { Text, Trace } from '../trace.ts'
import type { Reason } from '../types.ts'
import { Computation, type FinanceOptions, parseAmount, pointerSegment } from './computation.ts'

/**
 * A tax type in the step text: its name when it is one of ours ("vat: …" was the English trace before
 * 2026-12-03, kept as the id there), else the key as given.
 */
const taxName = (taxType: string): Text =>
  Object.hasOwn(TAX_NAMES, taxType)
    ? { zh: TAX_NAMES[taxType as keyof typeof TAX_NAMES].zh, en: taxType }
    : { zh: taxType, en: taxType }

export interface ParkTaxRetentionInput {
  park: { id: string; level: string }
  /** the year new revenue is measured against */
  baseYear: number
  /** the year whose new revenue is retained */
  year: number
  /** local-level tax revenue of the base year by tax type (vat, enterpriseIncomeTax, …), yuan */
  baseYearRevenue: Record<string, string>
  /** local-level tax revenue of the year by tax type, yuan */
  currentYearRevenue: Record<string, string>
}

export interface ParkTaxLine {
  taxType: string
  baseYearRevenue: string
  currentYearRevenue: string
  /** current − base; negative when revenue fell */
  increase: string
  provincialShare: string
  /** provincialShare × increase, exact (may be negative) */
  provincialPart: string
}

export interface ParkTaxRetentionResult {
  computation: 'park-tax-retention'
  clause: '§18'
  asOf: string
  park: { id: string; level: string }
  baseYear: number
  year: number
  applicable: boolean
  lines: ParkTaxLine[]
  /** net increase over all tax types, yuan (may be negative) */
  newRevenue: string
  /** the amount the park keeps, yuan, rounded half-up to the fen */
  amount: string
  reasons: Reason[]
  trace: Trace
}

const checkYear = (value: unknown, pointer: string): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new EngineError(
      'InvalidInput',
      pointer,
      { zh: '应为以整数表示的年份', en: 'expected a year as a whole number' },
      { value },
    )
  return value
}

const checkRevenue = (value: unknown, pointer: string): Record<string, string> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new EngineError('InvalidInput', pointer, {
      zh: '应为从税种到金额的对象',
      en: 'expected an object mapping tax types to amounts',
    })
  return value as Record<string, string>
}

export const parkTaxRetention = (
  input: ParkTaxRetentionInput,
  options: FinanceOptions,
): ParkTaxRetentionResult => {
  const baseYear = checkYear(input.baseYear, '/baseYear')
  const year = checkYear(input.year, '/year')
  if (year <= baseYear)
    throw new EngineError('InvalidInput', '/year', {
      zh: `年份${year}必须晚于基期年份${baseYear}`,
      en: `the year ${year} must come after the base year ${baseYear}`,
    })
  const baseRevenue = checkRevenue(input.baseYearRevenue, '/baseYearRevenue')
  const currentRevenue = checkRevenue(input.currentYearRevenue, '/currentYearRevenue')

  const c = new Computation('§18', options)
  const park = { id: input.park.id, level: input.park.level }
  const result = (
    applicable: boolean,
    lines: ParkTaxLine[],
    newRevenue: Rational,
    amount: Rational,
    reasons: Reason[],
  ): ParkTaxRetentionResult => ({
    computation: 'park-tax-retention',
    clause: '§18',
    asOf: options.asOf,
    park,
    baseYear,
    year,
    applicable,
    lines,
    newRevenue: newRevenue.toMoney(),
    amount: amount.toMoney(),
    reasons,
    trace: c.trace,
  })

  if (!c.params.isSet('parkTaxRetention.parkLevels', options.asOf)) {
    return result(false, [], ZERO, ZERO, [
      {
        code: 'NOT_IN_FORCE',
        message: {
          zh: `${options.asOf}新增税收留园区政策未生效`,
          en: `the park tax retention is not in force on ${options.asOf}`,
        },
      },
    ])
  }
  const levels = c.params.list('parkTaxRetention.parkLevels', options.asOf)
  const covered = c.condition({
    id: 'park-level',
    description: { zh: '园区为省级工业园区', en: 'the park is a provincial-level industrial park' },
    input: park.level,
    comparison: 'in',
    threshold: levels,
    holds: levels.includes(park.level),
  })
  if (!covered) {
    return result(false, [], ZERO, ZERO, [
      {
        code: 'PARK_LEVEL_NOT_COVERED',
        message: {
          zh: `园区级别（${labelOf(PARK_LEVEL_LABELS, park.level).zh}）不属于省级工业园区，不适用新增税收省级部分留园区政策`,
          en: `a ${labelOf(PARK_LEVEL_LABELS, park.level).en} park does not keep the provincial share of its new tax revenue`,
        },
        field: '/park/level',
      },
    ])
  }

  const shares = c.params.table('parkTaxRetention.provincialShare', options.asOf)
  const taxTypes = [...new Set([...Object.keys(baseRevenue), ...Object.keys(currentRevenue)])].sort()
  const lines = taxTypes.map((taxType) => {
    const pointer = taxType in currentRevenue ? '/currentYearRevenue' : '/baseYearRevenue'
    const shareText = Object.hasOwn(shares, taxType) ? shares[taxType] : undefined
    if (shareText === undefined) {
      throw new EngineError(
        'InvalidInput',
        `${pointer}/${pointerSegment(taxType)}`,
        {
          zh: `参数 parkTaxRetention.provincialShare 中没有税种“${taxType}”的省级分享比例`,
          en: `no provincial share is set for tax type "${taxType}" (parameter parkTaxRetention.provincialShare)`,
        },
        { taxType, known: Object.keys(shares) },
      )
    }
    const share = Rational.parse(shareText)
    const base = Object.hasOwn(baseRevenue, taxType)
      ? parseAmount(baseRevenue[taxType], `/baseYearRevenue/${pointerSegment(taxType)}`)
      : ZERO
    const current = Object.hasOwn(currentRevenue, taxType)
      ? parseAmount(currentRevenue[taxType], `/currentYearRevenue/${pointerSegment(taxType)}`)
      : ZERO
    const name = taxName(taxType)
    const increase = c.step(
      {
        zh: `${name.zh}：${year}年较${baseYear}年新增的税收`,
        en: `${name.en}: new revenue ${year} over ${baseYear}`,
      },
      `${current.toYuan()} − ${base.toYuan()}`,
      current.minus(base),
    )
    const part = c.step(
      { zh: `${name.zh}：新增税收中的省级分享部分`, en: `${name.en}: provincial share of the new revenue` },
      `${share} × ${increase.toYuan()}`,
      share.times(increase),
    )
    return {
      line: {
        taxType,
        baseYearRevenue: base.toMoney(),
        currentYearRevenue: current.toMoney(),
        increase: increase.toYuan(),
        provincialShare: share.toString(),
        provincialPart: part.toYuan(),
      },
      increase,
      part,
    }
  })

  const newRevenue = c.step(
    { zh: '各税种合计的净新增税收', en: 'net new revenue over all tax types' },
    lines.length ? lines.map((l) => l.increase.toYuan()).join(' + ') : '0',
    sum(lines.map((l) => l.increase)),
  )
  const net = c.step(
    { zh: '新增税收中省级分享部分的净额', en: 'net provincial share of the new revenue' },
    lines.length ? lines.map((l) => l.part.toYuan()).join(' + ') : '0',
    sum(lines.map((l) => l.part)),
  )
  const amount = c.step(
    { zh: '留给园区的金额', en: 'retained by the park' },
    `max(0, ${net.toYuan()})`,
    net.max(ZERO),
  )
  const increased = c.condition({
    id: 'provincial-share-increased',
    description: {
      zh: '新增税收中应上缴省级财政部分大于零',
      en: 'the provincial share of the new revenue is above zero',
    },
    input: net.toYuan(),
    comparison: '>',
    threshold: '0.00',
    holds: net.gt(ZERO),
  })
  const reasons: Reason[] = increased
    ? []
    : [
        {
          code: 'NO_TAX_INCREASE',
          message: {
            zh: `${year}年税收较${baseYear}年无新增（按省级分享比例计）`,
            en: `no increase of the provincial share of tax revenue in ${year} over ${baseYear}`,
          },
        },
      ]
  return result(
    true,
    lines.map((l) => l.line),
    newRevenue,
    amount,
    reasons,
  )
}
