// The explained decision in one call: decideCompact (src/engine/decide.ts) records what was decided
// and the facts of its explanation; renderEvaluation (src/engine/render.ts) puts them into words.
// Callers that store or summarise a decision use the two separately.

import { type CompactEvaluation, decideCompact, type EvaluateOptions } from './decide.ts'
import { renderEvaluation } from './render.ts'
import type { TraceLanguage } from './trace.ts'
import type { Application, Evaluation } from './types.ts'

export { type EvaluationSummary, type OutcomeSummary, summarizeEvaluation } from './render.ts'
export type { CompactEvaluation, EvaluateOptions }
export { decideCompact, renderEvaluation }

/**
 * Decides and renders, the steps and notes in `language` — English unless asked: the engine's
 * reference rendering (its goldens and tests read English); the API passes the request's language.
 */
export const evaluate = (
  application: Application,
  options: EvaluateOptions = {},
  language: TraceLanguage = 'en',
): Evaluation => renderEvaluation(decideCompact(application, options), application, language)

export { EngineError } from './errors.ts'
