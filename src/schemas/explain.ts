// Summaries by default, traces on request (issue "lean decisions"): an evaluation or a stored
// decision answers with every outcome, its amount and its reasons in Chinese and English; the
// clause-by-clause trace and the parameters read come with `?explain=full` (or the request header
// `Prefer: return=representation; explain=full`).

import { Type } from 'typebox'
import { Evaluation, GateResult, Outcome } from './evaluation.ts'

export const Explain = Type.Object(
  {
    explain: Type.Optional(
      Type.Enum(['summary', 'full'] as const, {
        default: 'summary',
        description:
          'summary (default): outcomes, amounts and reasons; full: also each trace (clause, conditions with input and threshold, parameters read, arithmetic steps) and every parameter value used. The request header `Prefer: return=representation; explain=full` asks for the same.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const OutcomeSummary = Type.Omit(Outcome, ['trace'], {
  $id: 'OutcomeSummary',
  additionalProperties: false,
  description: 'The outcome of one measure, without its trace (`explain=full` adds it).',
})

export const GateSummary = Type.Omit(GateResult, ['trace'], {
  $id: 'GateSummary',
  additionalProperties: false,
  description: 'A gate’s result, without its trace.',
})

export const EvaluationSummary = Type.Object(
  {
    ruleset: Evaluation.properties.ruleset,
    asOf: Evaluation.properties.asOf,
    gates: Type.Array(GateSummary, { description: 'Gates tested, in order.' }),
    outcomes: Type.Array(OutcomeSummary, { description: 'One outcome per measure evaluated.' }),
    totalAmount: Evaluation.properties.totalAmount,
    overriddenParameters: Evaluation.properties.overriddenParameters,
  },
  {
    $id: 'EvaluationSummary',
    additionalProperties: false,
    description:
      'Every measure decided, with amounts and reasons (zh/en). The explanation is one request away: `explain=full`.',
  },
)

/** Either shape, as a response that depends on `explain` documents it. */
export const EvaluationAnswer = Type.Union([EvaluationSummary, Evaluation], {
  description:
    'EvaluationSummary by default; Evaluation (with traces and parameters used) with explain=full.',
})
