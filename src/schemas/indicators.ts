// The monitoring indicators of POLICY.md §4 (src/engine/indicators): their definitions, and the
// progress of reported actual values against baselines and targets, explained.

import { Type } from 'typebox'
import { INDICATORS } from '../engine/indicators/targets.ts'
import { IsoDate, Year } from './application.ts'
import { CalendarDate, PARAMETER_NAME_PATTERN, SIGNED_DECIMAL_PATTERN } from './common.ts'
import { ParameterOverride, Text, TextOf, Trace } from './evaluation.ts'

const IndicatorId = (description: string) => Type.String({ enum: INDICATORS.map((i) => i.id), description })

const Direction = Type.Enum(['at-least', 'at-most'] as const, {
  description: 'at-least: the target is a floor (以上); at-most: a ceiling (energy per value added).',
})
const Kind = Type.Enum(['level', 'annual-growth'] as const, {
  description: "level: a value for the year; annual-growth: the year's growth rate over the previous year.",
})

export const Indicator = Type.Object(
  {
    id: Type.String({ description: 'Stable kebab-case id, e.g. "light-industry-share".' }),
    clause: Type.String({ description: 'Clause of the source stating the figure, e.g. "§4".' }),
    name: Text,
    unit: Type.String({
      description:
        'Unit of the values: "ratio" (0.44 = 44%), "tce/10^4 CNY", "10^4 CNY/worker", "10^8 CNY", "count".',
    }),
    direction: Direction,
    kind: Kind,
    parameter: Type.String({
      description:
        'The table parameter holding the baseline and targets (overridable), e.g. "indicators.light-industry-share".',
    }),
    values: Type.Record(Type.String(), Type.String(), {
      description:
        'Default values as decimal strings: "baseline" is the base-year (2013) value when the source gives one, "targetYYYY" the target for year YYYY.',
    }),
    strictTargetYears: Type.Optional(
      Type.Array(Type.Integer(), {
        description: 'Target years whose target must be exceeded strictly (超过).',
      }),
    ),
    interpretation: Type.Optional(
      TextOf('How we read the source, where it needed reading, in both languages.'),
    ),
  },
  { $id: 'Indicator', additionalProperties: false, description: 'A monitoring indicator (§4, §22).' },
)

export const IndicatorProgressRequest = Type.Object(
  {
    asOf: Type.Optional(
      IsoDate(
        'The date the baselines and targets are read at; defaults to 31 December of the latest year reported.',
      ),
    ),
    parameters: Type.Optional(
      Type.Record(Type.String(), ParameterOverride, {
        maxProperties: 200,
        propertyNames: { pattern: PARAMETER_NAME_PATTERN },
        description:
          'Parameter overrides by name (what-if), e.g. { "indicators.light-industry-share": { "baseline": "0.44", "target2017": "0.52" } }. An unknown name is a 400 naming #/parameters/<name>.',
      }),
    ),
    actuals: Type.Array(
      Type.Object(
        {
          indicator: IndicatorId('The indicator (GET /v1/indicators lists them).'),
          year: Year('The year the value is for; not before the base year 2013.'),
          value: Type.String({
            pattern: SIGNED_DECIMAL_PATTERN,
            description:
              'The actual value in the indicator\'s unit, as a decimal string: ratios as "0.47", growth rates as "0.13", sales in 10^8 yuan as "2450".',
          }),
        },
        { additionalProperties: false, description: 'One reported actual value.' },
      ),
      { minItems: 1, maxItems: 1000, description: 'The actual values reported.' },
    ),
  },
  {
    $id: 'IndicatorProgressRequest',
    additionalProperties: false,
    description: 'Actual values to compare with the baselines and targets of §4.',
  },
)

const NullableString = (description: string) =>
  Type.Union([Type.String({ description }), Type.Null()], { description })

export const IndicatorProgress = Type.Object(
  {
    indicator: Type.String({ description: 'The indicator id.' }),
    clause: Type.String({ description: 'Clause of the source stating the figure.' }),
    name: Text,
    unit: Type.String({ description: 'Unit of the values.' }),
    direction: Direction,
    kind: Kind,
    year: Type.Integer({ description: 'The year reported.' }),
    actual: Type.String({ description: 'The actual value, exact.' }),
    baseYear: Type.Integer({ description: 'The base year (parameter indicators.baseYear).' }),
    baseline: NullableString(
      'The base-year value; null when the source gives none, or for growth indicators.',
    ),
    targetYear: Type.Union([Type.Integer({ description: 'The target year that applies.' }), Type.Null()], {
      description:
        'The first target year at or after the year (the last one after it); null when none is set.',
    }),
    target: NullableString('The target that applies; null when none is set.'),
    expected: NullableString(
      'The value on the linear path from the base year to the target year, at the year (level indicators with a baseline).',
    ),
    progress: NullableString(
      'Exact ratio: (actual − baseline) ÷ (target − baseline) for levels, actual ÷ target rate for growth; null when it cannot be computed.',
    ),
    met: Type.Union([Type.Boolean(), Type.Null()], {
      description: 'The actual meets the target that applies; null when no target is set.',
    }),
    onTrack: Type.Union([Type.Boolean(), Type.Null()], {
      description:
        'At or beyond the linear path (levels) or the target rate (growth); null when it cannot be computed.',
    }),
    trace: Trace,
  },
  { additionalProperties: false, description: 'Progress of one actual value, explained.' },
)

export const IndicatorProgressResult = Type.Object(
  {
    asOf: CalendarDate('The date the baselines and targets were read at.'),
    progress: Type.Array(IndicatorProgress, {
      description: 'One entry per actual value, in the order given.',
    }),
    overriddenParameters: Type.Array(Type.String(), {
      description: 'Names of the parameters the request overrode.',
    }),
  },
  {
    $id: 'IndicatorProgressResult',
    additionalProperties: false,
    description: 'Progress toward the targets of §4.',
  },
)
