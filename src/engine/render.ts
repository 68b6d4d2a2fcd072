// Rendering a decision: the compact record of decideCompact (src/engine/decide.ts) → the explained
// Evaluation the API and the auditors read (renderEvaluation), or the outcomes without their traces
// (summarizeEvaluation). Pure, and dependent on the record alone: a record read back from storage
// (JSON) renders exactly as the one the engine returned. The words come from the definitions beside
// each rule (src/engine/facts.ts); how exact values show is the presentation of the record's ruleset
// (fractions up to 1.1.0, as those decisions were stored; decimals with the rounding shown from 1.2.0).

import type { CompactEvaluation } from './decide.ts'
import { presentation, type RenderContext, renderTrace } from './facts.ts'
import { gateResult } from './gate.ts'
import { GATES } from './gates/index.ts'
import { unpackClaim } from './ledgers.ts'
import type { CompactOutcome, Measure } from './measure.ts'
import { MEASURES } from './measures/index.ts'
import { DEFAULT_PARAMETERS } from './parameters/index.ts'
import { fromTuple, isParameterRef, type ParameterEntry } from './parameters/parameter-set.ts'
import type { ParameterRead } from './parameters/types.ts'
import { appliesRulings20261203, isRulesetVersion, RULESET_VERSIONS, type RulesetVersion } from './ruleset.ts'
import type { TraceLanguage } from './trace.ts'
import type {
  Application,
  Evaluation,
  GateResult,
  LedgerClaim,
  MeasureId,
  Outcome,
  OutcomeStatus,
  Reason,
} from './types.ts'

const measureOf = (id: MeasureId): Measure => {
  const m = MEASURES.find((x) => x.id === id)
  if (!m) throw new Error(`engine bug: unknown measure ${id}`)
  return m
}

const contextOf = (version: string, language: TraceLanguage, application?: Application): RenderContext => {
  const v: RulesetVersion = isRulesetVersion(version)
    ? version
    : RULESET_VERSIONS[RULESET_VERSIONS.length - 1]!
  return { application, rulings: appliesRulings20261203(v), show: presentation(v), language }
}

/** A parameter read as the decision recorded it: a reference to the ruleset's value, or a copy. */
export const readOf = (e: ParameterEntry): ParameterRead =>
  isParameterRef(e) ? DEFAULT_PARAMETERS.resolve(e) : fromTuple(e)

/** An outcome's details as shown: a measure may show, from facts, what it recorded only once. */
const detailsOf = (measure: Measure, o: CompactOutcome, ctx: RenderContext): Record<string, unknown> =>
  measure.renderDetails ? measure.renderDetails(o.details, o.trace, ctx) : o.details

/**
 * The full explained Evaluation of a compact record and the application it decided (stored with
 * it: the traces show the application's facts as inputs without the record copying them). The
 * steps' descriptions and the notes are in `language`; the conditions carry both languages, as the
 * reasons do. The record itself holds no words, so one record renders in either language; in
 * English it renders byte for byte as the goldens (test/engine/golden.test.ts).
 */
export const renderEvaluation = (
  compact: CompactEvaluation,
  application: Application,
  language: TraceLanguage,
): Evaluation => {
  const ctx = contextOf(compact.ruleset.version, language, application)
  const used = compact.parametersUsed.map(readOf)
  const gates: GateResult[] = compact.gates.map((g) => {
    const gate = GATES.find((x) => x.id === g.gate)!
    return gateResult(gate, g, renderTrace(gate.id, gate.clause, g.trace, used, ctx))
  })
  const outcomes: Outcome[] = compact.outcomes.map((o) => {
    const measure = measureOf(o.measure)
    const details = detailsOf(measure, o, ctx)
    return {
      measure: o.measure,
      clause: measure.clause,
      status: o.status,
      amount: o.amount,
      details,
      reasons: o.reasons,
      trace: renderTrace(measure.id, measure.clause, o.trace, used, ctx),
      ledger: o.ledger.map((c) => unpackClaim(o.measure, c)),
    }
  })
  return {
    ruleset: compact.ruleset,
    asOf: compact.asOf,
    gates,
    outcomes,
    totalAmount: compact.totalAmount,
    parametersUsed: used,
    overriddenParameters: compact.overriddenParameters,
  }
}

/** One measure's outcome without its trace: what a default API response shows. */
export interface OutcomeSummary {
  measure: MeasureId
  clause: string
  status: OutcomeStatus
  /** yuan with two decimals; null for non-cash measures, ineligible and needs-review outcomes */
  amount: string | null
  /** reason codes with their zh/en messages (and the input concerned) */
  reasons: Reason[]
  details: Record<string, unknown>
  ledger: LedgerClaim[]
}

/** A gate without its trace. */
export type GateSummary = Omit<GateResult, 'trace'>

/**
 * A decision without its explanation: every outcome (status, amount, reasons with messages,
 * details, ledger claims) and gate, the total, the ruleset and the overrides. The parameters read
 * and the traces are in renderEvaluation.
 */
export interface EvaluationSummary {
  ruleset: { id: string; version: string }
  asOf: string
  gates: GateSummary[]
  outcomes: OutcomeSummary[]
  totalAmount: string
  overriddenParameters: string[]
}

export const summarizeEvaluation = (compact: CompactEvaluation): EvaluationSummary => {
  // No text of a summary depends on the language (reasons carry both; details are values), so a
  // summary is the same bytes whatever the request's language (idempotent replays store it).
  const ctx = contextOf(compact.ruleset.version, 'en')
  return {
    ruleset: compact.ruleset,
    asOf: compact.asOf,
    gates: compact.gates.map((g) => {
      const { trace: _, ...rest } = gateResult(GATES.find((x) => x.id === g.gate)!, g, {
        clause: '',
        conditions: [],
        parameters: [],
        steps: [],
        notes: [],
      })
      return rest
    }),
    outcomes: compact.outcomes.map((o) => {
      const measure = measureOf(o.measure)
      return {
        measure: o.measure,
        clause: measure.clause,
        status: o.status,
        amount: o.amount,
        details: detailsOf(measure, o, ctx),
        reasons: o.reasons,
        ledger: o.ledger.map((c) => unpackClaim(o.measure, c)),
      }
    }),
    totalAmount: compact.totalAmount,
    overriddenParameters: compact.overriddenParameters,
  }
}
