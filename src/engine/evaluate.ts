// The explained decision in one call: decideCompact (src/engine/decide.ts) records what was decided
// and the facts of its explanation; renderEvaluation (src/engine/render.ts) puts them into words.
// Callers that store or summarise a decision use the two separately.

import { type CompactEvaluation, decideCompact, type EvaluateOptions } from './decide.ts'
import { renderEvaluation } from './render.ts'
import type { Application, Evaluation } from './types.ts'

export { type EvaluationSummary, type OutcomeSummary, summarizeEvaluation } from './render.ts'
export type { CompactEvaluation, EvaluateOptions }
export { decideCompact, renderEvaluation }

export const evaluate = (application: Application, options: EvaluateOptions = {}): Evaluation =>
  renderEvaluation(decideCompact(application, options), application)

export { EngineError } from './errors.ts'
