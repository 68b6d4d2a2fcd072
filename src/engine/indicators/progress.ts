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
import { type Comparison, emptyTrace, type Text, type Trace } from '../trace.ts'
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

const invalid = (pointer: string, message: string, details: Record<string, unknown> = {}): EngineError =>
  new EngineError('InvalidInput', pointer, message, details)

export const indicatorProgress = (
  actuals: readonly IndicatorActual[],
  options: IndicatorProgressOptions,
): IndicatorProgress[] => {
  const parameters = options.parameters ?? DEFAULT_PARAMETERS
  const root = options.pointer ?? ''
  if (!Array.isArray(actuals)) throw invalid(root, 'expected a list of { indicator, year, value }')
  return actuals.map((actual, i) => progressOf(actual, `${root}/${i}`, options.asOf, parameters))
}

const progressOf = (
  actual: IndicatorActual,
  pointer: string,
  asOf: IsoDate,
  parameters: ParameterSet,
): IndicatorProgress => {
  const definition = byId.get(actual.indicator)
  if (!definition) {
    throw invalid(`${pointer}/indicator`, `unknown indicator "${actual.indicator}"`, {
      known: INDICATORS.map((x) => x.id),
    })
  }
  const trace = emptyTrace(definition.clause)
  const params = parameters.reader(trace)
  const baseYear = params.integer('indicators.baseYear', asOf)
  const { year } = actual
  if (typeof year !== 'number' || !Number.isSafeInteger(year) || year < baseYear)
    throw invalid(`${pointer}/year`, `expected a year from the base year ${baseYear} on`, { year })
  if (typeof actual.value !== 'string' || !Rational.isDecimal(actual.value))
    throw invalid(`${pointer}/value`, 'expected a decimal string, e.g. "0.47" or "2450"', {
      value: actual.value,
    })
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
  const step = (description: string, expression: string, v: Rational): Rational => {
    trace.steps.push({ description, expression, result: v.toString() })
    return v
  }
  if (!applicable) {
    trace.notes.push(`no target is set for ${definition.id}`)
    return result
  }
  if (year > applicable.year) trace.notes.push(`${year} is after the last target year ${applicable.year}`)

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
        'actual rate over target rate',
        `${value} ÷ ${target}`,
        value.dividedBy(target),
      ).toString()
    result.onTrack = met
    return result
  }

  if (baseline === null) {
    trace.notes.push('no base-year value: progress and the linear path are not computed')
    return result
  }
  if (!target.eq(baseline)) {
    result.progress = step(
      'progress from the base-year value toward the target',
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
    `linear path from ${baseYear} to ${applicable.year}, at ${year}`,
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
