// The versioned reader of a stored decision's evaluation (migration 2026-12-03T1545). A decision
// stored from then on holds the engine's compact record (record_format 'compact'; from migration
// 2026-12-03T1700 in its stored form, format 2, src/engine/stored-record.ts); the explained
// evaluation an auditor reads, its summary and the parameters it used are rendered from that record
// and the facts it decided. Decisions stored before hold the full evaluation of their ruleset
// (1.0.0, 1.1.0, 1.2.0) as it was then, with its parametersUsed copied beside it; they are read as
// they are, never rewritten: their audit entries hash the stored row, and a rewrite would break
// the chain an auditor verifies.

import type { CompactEvaluation } from '../engine/decide.ts'
import { renderEvaluation, summarizeEvaluation } from '../engine/evaluate.ts'
import type { ParameterRead } from '../engine/parameters/types.ts'
import { readOf } from '../engine/render.ts'
import { recordOf, type StoredRecord } from '../engine/stored-record.ts'
import type { TraceLanguage } from '../engine/trace.ts'
import type { Application, Evaluation } from '../engine/types.ts'
import { summarise } from './explain.ts'

/** What a stored decision holds; a missing recordFormat is the full form (the column's default). */
export interface StoredEvaluation {
  evaluation: unknown
  parameters: unknown
  recordFormat?: 'compact'
}

// A compact record is format 1 (stored from migration 2026-12-03T1545: the engine's working form) or
// format 2 (from T1700: the same facts in fewer bytes, `format: 2`, src/engine/stored-record.ts) or
// format 3 (format 2 with missing-input reasons as their bare code); recordOf reads each to the
// working form, from which everything below renders.
const compactOf = (d: StoredEvaluation): CompactEvaluation | null =>
  d.recordFormat === 'compact' ? recordOf(d.evaluation as CompactEvaluation | StoredRecord) : null

/**
 * The explained evaluation, as plain JSON (what a response or a field-by-field comparison reads),
 * its steps and notes in `language`. A compact record holds no words and renders in either
 * language; a decision stored in full before compact records is returned as stored, in English
 * (its rows are hashed into the audit chain and never rewritten).
 */
export const fullEvaluation = (
  d: StoredEvaluation,
  facts: Application,
  language: TraceLanguage,
): Evaluation => {
  const compact = compactOf(d)
  if (!compact) return d.evaluation as Evaluation
  return JSON.parse(JSON.stringify(renderEvaluation(compact, facts, language))) as Evaluation
}

/** The language a stored decision's trace can be shown in: English for one stored in full. */
export const languageOf = (d: StoredEvaluation, language: TraceLanguage): TraceLanguage =>
  compactOf(d) ? language : 'en'

/** The outcomes, gates and total without traces: read off the record, nothing rendered. */
export const summaryOf = (d: StoredEvaluation) => {
  const compact = compactOf(d)
  return compact ? summarizeEvaluation(compact) : summarise(d.evaluation as Evaluation)
}

/** Every parameter value the decision read (to replay it with the values it used). */
export const parametersOf = (d: StoredEvaluation): ParameterRead[] => {
  const compact = compactOf(d)
  return compact ? compact.parametersUsed.map(readOf) : (d.parameters as ParameterRead[])
}

/** Each outcome's measure, status and amount: what its outcome row holds (nothing rendered). */
export const outcomeAmountsOf = (
  d: StoredEvaluation,
): { measure: string; status: string; amount: string | null }[] => {
  const compact = compactOf(d)
  const outcomes = compact ? compact.outcomes : (d.evaluation as Evaluation).outcomes
  return outcomes.map((o) => ({ measure: o.measure, status: o.status, amount: o.amount }))
}
