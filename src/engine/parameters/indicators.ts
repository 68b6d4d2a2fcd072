import { INDICATORS, type IndicatorDefinition } from '../indicators/targets.ts'
import type { ParameterDefinition } from './types.ts'

// §4 and §22: the monitoring indicators' base year and their baselines and targets, one table
// parameter per indicator ("indicators.<id>", keys "baseline" and "targetYYYY"), so a request can
// override them and every progress report records the values it used. The indicators' structure
// (direction, kind, unit) lives in src/engine/indicators/targets.ts.

/** The parameter holding an indicator's baseline and targets. */
export const indicatorParameterName = (id: string): string => `indicators.${id}`

const toParameter = (indicator: IndicatorDefinition): ParameterDefinition => ({
  name: indicatorParameterName(indicator.id),
  kind: 'table',
  unit: indicator.unit,
  clause: indicator.clause,
  description: {
    zh: `${indicator.name.zh}：基期值与目标值`,
    en: `${indicator.name.en}: base-year value and targets`,
  },
  ...(indicator.interpretation ? { interpretation: indicator.interpretation } : {}),
  values: [{ from: '2014-01-01', to: null, value: indicator.values }],
})

export const indicatorParameters: ParameterDefinition[] = [
  {
    name: 'indicators.baseYear',
    kind: 'integer',
    unit: 'year',
    clause: '§4',
    description: { zh: '工业转型升级目标基期年份', en: 'base year of the transformation targets' },
    values: [{ from: '0001-01-01', to: null, value: 2013 }],
  },
  ...INDICATORS.map(toParameter),
]
