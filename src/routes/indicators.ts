// The monitoring indicators of POLICY.md §4 (§22: monitor and assess progress): their definitions,
// and the progress of reported actual values against the dated baselines and targets.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { indicatorProgress } from '../engine/indicators/progress.ts'
import { INDICATORS } from '../engine/indicators/targets.ts'
import { DEFAULT_PARAMETERS } from '../engine/parameters/index.ts'
import { indicatorParameterName } from '../engine/parameters/indicators.ts'
import { interpretationOf } from '../engine/parameters/interpretations-zh.ts'
import { RuleNotInForce } from '../engine/parameters/parameter-set.ts'
import { HttpProblem } from '../plugins/problems.ts'
import { Indicator, IndicatorProgressRequest, IndicatorProgressResult } from '../schemas/indicators.ts'
import { problemResponses } from '../schemas/problem.ts'

const indicators: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/indicators',
    {
      schema: {
        tags: ['indicators'],
        summary: 'The monitoring indicators, with their baselines and targets',
        response: {
          200: Type.Array(Indicator, { description: 'Every indicator of POLICY.md §4.' }),
          ...problemResponses(401),
        },
      },
    },
    async () =>
      INDICATORS.map((i) => ({
        id: i.id,
        clause: i.clause,
        name: i.name,
        unit: i.unit,
        direction: i.direction,
        kind: i.kind,
        parameter: indicatorParameterName(i.id),
        values: { ...i.values },
        ...(i.strictTargetYears ? { strictTargetYears: [...i.strictTargetYears] } : {}),
        ...(i.interpretation
          ? { interpretation: interpretationOf(indicatorParameterName(i.id), i.interpretation) }
          : {}),
      })),
  )

  app.post(
    '/v1/indicators/progress',
    {
      schema: {
        tags: ['indicators'],
        summary: 'Progress of actual values toward the targets',
        description:
          'For each actual value: the target that applies (the first target year at or after the year), ' +
          'whether it is met, the progress from the base-year value, and whether it is on the linear path ' +
          'from 2013 to the target year.',
        body: IndicatorProgressRequest,
        response: { 200: IndicatorProgressResult, ...problemResponses(400, 401, 422) },
      },
    },
    async (request) => {
      const { actuals, parameters: overrides } = request.body
      const parameters = DEFAULT_PARAMETERS.withOverrides(overrides ?? {})
      const asOf = request.body.asOf ?? `${Math.max(...actuals.map((a) => a.year))}-12-31`
      try {
        return {
          asOf,
          progress: indicatorProgress(actuals, {
            asOf,
            parameters,
            pointer: '/actuals',
            language: request.language,
          }),
          overriddenParameters: [...parameters.overridden],
        }
      } catch (error) {
        // Before the baselines and targets exist (e.g. asOf 0000-01-01) there is nothing to
        // measure progress against: a request that cannot be answered as asked, not a server fault.
        if (!(error instanceof RuleNotInForce)) throw error
        const pointer = request.body.asOf === undefined ? '#/actuals' : '#/asOf'
        throw new HttpProblem({
          type: '/problems/rule-not-in-force',
          title: 'No baselines or targets on this date',
          status: 422,
          detail: {
            zh: `${error.at}没有生效的指标基准值和目标值（参数 ${error.parameter} 当日无值）；请选择政策监测期内的日期。`,
            en:
              `The indicators' baselines and targets are not in force on ${error.at} (parameter ` +
              `${error.parameter} has no value then); choose a date within the policy's monitoring period.`,
          },
          errors: [
            {
              detail: {
                zh: `没有生效的基准值或目标值（${error.parameter}，${error.at}）`,
                en: `has no baselines or targets in force (${error.parameter} on ${error.at})`,
              },
              pointer,
            },
          ],
        })
      }
    },
  )
}

export default indicators
