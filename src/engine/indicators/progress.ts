// §22 加强考核督查: "及时监测分析和评价工业转型发展的成效和问题" — monitor and assess progress. For each
// actual value reported (indicator, year, value) this computes, exactly:
// - the target that applies: the first target year at or after the year; after the last target
//   year, the last target;
// - met: the actual meets that target (≥ for "at least", ≤ for "at most"; strict for "超过");
// - progress: for a level indicator, (actual − baseline) ÷ (target − baseline), the share of the way
//   from the base-year value to the target (1 = reached, negative = moved away); for a growth
//   indicator, actual rate ÷ target rate;
// - on track: for a level indicator, whether the actual is at or beyond a LINEAR PATH drawn from the
//   base-year (2013) value to the target year's target, evaluated at the year (we read "到2017年实现"
//   as steady progress each year; at or after the target year the path is the target itself); for
//   a growth indicator, whether the year's growth is ≥ the target rate (the same test as met).
// Without a baseline (the source gives none for some figures) progress and on-track are null.
// Baselines, targets and the base year are parameters read as of `asOf` (parameters/indicators.ts).

import type { IsoDate } from '../dates.ts'
import { EngineError } from '../errors.ts'
import { Rational } from '../money.ts'
import { DEFAULT_PARAMETERS } from '../parameters/index.ts'
import { indicatorParameterName } from '../parameters/indicators.ts'
import type { ParameterSet } from '../parameters/parameter-set.ts'
import {
  type Comparison,
  emptyTrace,
  inLanguage,
  type Text,
  type Trace,
  type TraceLanguage,
} from '../trace.ts'
import {
  INDICATORS,
  type IndicatorDefinition,
  type IndicatorDirection,
  type IndicatorKind,
} from './targets.ts'

export interface IndicatorActual {
  /** an indicator id of targets.ts */
  indicator: string
  year: number
  /** the actual value, in the indicator's unit (ratios as "0.47"), as a decimal string */
  value: string
}

export interface IndicatorProgressOptions {
  /** the date the baselines and targets are read at */
  asOf: IsoDate
  parameters?: ParameterSet
  /** JSON pointer of the actuals list in the request, for error fields */
  pointer?: string
  /** the language of the trace's steps and notes (the API's negotiated one; English by default) */
  language?: TraceLanguage
}

export interface IndicatorProgress {
  indicator: string
  clause: string
  name: Text
  unit: string
  direction: IndicatorDirection
  kind: IndicatorKind
  year: number
  actual: string
  baseYear: number
  baseline: string | null
  targetYear: number | null
  target: string | null
  /** the value on the linear path for the year (level indicators with a baseline) */
  expected: string | null
  /** exact ratio, e.g. "0.5" or "2/3" */
  progress: string | null
  met: boolean | null
  onTrack: boolean | null
  trace: Trace
}

const TARGET_KEY = /^target(\d{4})$/

const byId: ReadonlyMap<string, IndicatorDefinition> = new Map(INDICATORS.map((i) => [i.id, i]))

const invalid = (pointer: string, message: Text, details: Record<string, unknown> = {}): EngineError =>
  new EngineError('InvalidInput', pointer, message, details)

export const indicatorProgress = (
  actuals: readonly IndicatorActual[],
  options: IndicatorProgressOptions,
): IndicatorProgress[] => {
  const parameters = options.parameters ?? DEFAULT_PARAMETERS
  const root = options.pointer ?? ''
  if (!Array.isArray(actuals))
    throw invalid(root, {
      zh: '应为 { indicator, year, value } 的列表',
      en: 'expected a list of { indicator, year, value }',
    })
  const language = options.language ?? 'en'
  return actuals.map((actual, i) => progressOf(actual, `${root}/${i}`, options.asOf, parameters, language))
}

const progressOf = (
  actual: IndicatorActual,
  pointer: string,
  asOf: IsoDate,
  parameters: ParameterSet,
  language: TraceLanguage,
): IndicatorProgress => {
  const definition = byId.get(actual.indicator)
  if (!definition) {
    throw invalid(
      `${pointer}/indicator`,
      {
        zh: `未知的指标 "${actual.indicator}"（GET /v1/indicators 列出全部指标）`,
        en: `unknown indicator "${actual.indicator}"`,
      },
      { known: INDICATORS.map((x) => x.id) },
    )
  }
  const trace = emptyTrace(definition.clause)
  const params = parameters.reader(trace)
  const baseYear = params.integer('indicators.baseYear', asOf)
  const { year } = actual
  if (typeof year !== 'number' || !Number.isSafeInteger(year) || year < baseYear)
    throw invalid(
      `${pointer}/year`,
      { zh: `应为基期年份${baseYear}或之后的年份`, en: `expected a year from the base year ${baseYear} on` },
      { year },
    )
  if (typeof actual.value !== 'string' || !Rational.isDecimal(actual.value))
    throw invalid(
      `${pointer}/value`,
      { zh: '应为十进制字符串，如 "0.47" 或 "2450"', en: 'expected a decimal string, e.g. "0.47" or "2450"' },
      { value: actual.value },
    )
  const value = Rational.parse(actual.value)

  const table = params.table(indicatorParameterName(definition.id), asOf)
  const baseline = table['baseline'] === undefined ? null : Rational.parse(table['baseline'])
  const targets = Object.entries(table)
    .map(([key, text]) => ({ match: TARGET_KEY.exec(key), text }))
    .filter((x) => x.match !== null)
    .map((x) => ({ year: Number(x.match![1]), value: Rational.parse(x.text) }))
    .sort((a, b) => a.year - b.year)
  const applicable = targets.find((t) => t.year >= year) ?? targets[targets.length - 1]

  const result: IndicatorProgress = {
    indicator: definition.id,
    clause: definition.clause,
    name: definition.name,
    unit: definition.unit,
    direction: definition.direction,
    kind: definition.kind,
    year,
    actual: value.toString(),
    baseYear,
    baseline: baseline === null || definition.kind === 'annual-growth' ? null : baseline.toString(),
    targetYear: applicable?.year ?? null,
    target: applicable?.value.toString() ?? null,
    expected: null,
    progress: null,
    met: null,
    onTrack: null,
    trace,
  }
  const step = (description: Text, expression: string, v: Rational): Rational => {
    trace.steps.push({ description: inLanguage(description, language), expression, result: v.toString() })
    return v
  }
  const note = (text: Text): void => {
    trace.notes.push(inLanguage(text, language))
  }
  if (!applicable) {
    note({
      zh: `${definition.name.zh}（${definition.id}）未设目标值`,
      en: `no target is set for ${definition.id}`,
    })
    return result
  }
  if (year > applicable.year)
    note({
      zh: `${year}年晚于最后一个目标年份${applicable.year}年`,
      en: `${year} is after the last target year ${applicable.year}`,
    })

  const target = applicable.value
  const strict = definition.strictTargetYears?.includes(applicable.year) ?? false
  const atLeast = definition.direction === 'at-least'
  const metComparison: Comparison = atLeast ? (strict ? '>' : '>=') : strict ? '<' : '<='
  const met = compare(value, metComparison, target)
  trace.conditions.push({
    id: 'target-met',
    clause: definition.clause,
    description: {
      zh: `${year}年实际值达到${applicable.year}年目标`,
      en: `the ${year} actual meets the ${applicable.year} target`,
    },
    input: value.toString(),
    comparison: metComparison,
    threshold: target.toString(),
    holds: met,
  })
  result.met = met

  if (definition.kind === 'annual-growth') {
    if (!target.isZero())
      result.progress = step(
        { zh: '实际增速与目标增速之比', en: 'actual rate over target rate' },
        `${value} ÷ ${target}`,
        value.dividedBy(target),
      ).toString()
    result.onTrack = met
    return result
  }

  if (baseline === null) {
    note({
      zh: '无基期值：不计算进度和线性进度',
      en: 'no base-year value: progress and the linear path are not computed',
    })
    return result
  }
  if (!target.eq(baseline)) {
    result.progress = step(
      { zh: '自基期值向目标值的进度', en: 'progress from the base-year value toward the target' },
      `(${value} − ${baseline}) ÷ (${target} − ${baseline})`,
      value.minus(baseline).dividedBy(target.minus(baseline)),
    ).toString()
  }
  if (year >= applicable.year || applicable.year <= baseYear) {
    result.expected = target.toString()
    result.onTrack = met
    return result
  }
  const expected = step(
    {
      zh: `${baseYear}年至${applicable.year}年的线性进度在${year}年的值`,
      en: `linear path from ${baseYear} to ${applicable.year}, at ${year}`,
    },
    `${baseline} + (${target} − ${baseline}) × (${year} − ${baseYear}) ÷ (${applicable.year} − ${baseYear})`,
    baseline.plus(
      target
        .minus(baseline)
        .times(Rational.int(year - baseYear))
        .dividedBy(Rational.int(applicable.year - baseYear)),
    ),
  )
  const pathComparison: Comparison = atLeast ? '>=' : '<='
  const onTrack = compare(value, pathComparison, expected)
  trace.conditions.push({
    id: 'on-linear-path',
    clause: '§22',
    description: {
      zh: `${year}年实际值不落后于${baseYear}年至${applicable.year}年的线性进度`,
      en: `the ${year} actual is at or beyond the linear path from ${baseYear} to ${applicable.year}`,
    },
    input: value.toString(),
    comparison: pathComparison,
    threshold: expected.toString(),
    holds: onTrack,
  })
  result.expected = expected.toString()
  result.onTrack = onTrack
  return result
}

const compare = (a: Rational, comparison: Comparison, b: Rational): boolean => {
  switch (comparison) {
    case '>=':
      return a.gte(b)
    case '>':
      return a.gt(b)
    case '<=':
      return a.lte(b)
    case '<':
      return a.lt(b)
    default:
      throw new Error(`engine bug: comparison ${comparison}`)
  }
}
