// Replaying a stored decision: the stored input, evaluated again with the stored parameter values
// (or today's, to see what today's rules would decide) and the stored history, compared field by
// field with what was stored. A decision stored as a compact record is compared through the
// auditor's view rendered from it (src/decisions/stored-evaluation.ts), so the differences are JSON
// pointers into the same explained evaluation whichever form the decision was stored in.

import { evaluate } from '../engine/evaluate.ts'
import { historyFromSummary, isSummary } from '../engine/history.ts'
import { type LedgerClaim, writtenKey } from '../engine/ledgers.ts'
import { DEFAULT_PARAMETERS } from '../engine/parameters/index.ts'
import { isRulesetVersion, RULESET, type RulesetVersion } from '../engine/ruleset.ts'
import type { TraceLanguage } from '../engine/trace.ts'
import type { Application, Evaluation, History, Outcome } from '../engine/types.ts'
import { fullEvaluation, languageOf, parametersOf, type StoredEvaluation } from './stored-evaluation.ts'

export interface Difference {
  /** JSON pointer into the evaluation */
  path: string
  stored: unknown
  replayed: unknown
}

export interface MeasureComparison {
  measure: string
  stored: { status: string; amount: string | null }
  replayed: { status: string; amount: string | null } | null
  changed: boolean
}

export interface Replay {
  decisionId: string
  against: 'stored' | 'current'
  identical: boolean
  storedRuleset: { id: string; version: string }
  replayedRuleset: { id: string; version: string }
  differences: Difference[]
  measures: MeasureComparison[]
}

const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1')

/** Every leaf where two JSON values differ, as JSON pointers. */
export const diff = (a: unknown, b: unknown, path = '', out: Difference[] = []): Difference[] => {
  if (Object.is(a, b)) return out
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object'
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    out.push({ path: path || '/', stored: a ?? null, replayed: b ?? null })
    return out
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)])
  for (const k of keys) {
    diff(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}/${escapePointer(k)}`,
      out,
    )
  }
  return out
}

const brief = (o: Outcome) => ({ status: o.status, amount: o.amount })

export const replayDecision = (
  decision: StoredEvaluation & { id: string; history: unknown; asOf: string },
  facts: Application,
  against: 'stored' | 'current',
  requested: TraceLanguage,
): Replay => {
  // Both sides in one language, so the differences are the decision's, not the words': the
  // request's, or English for a decision stored in full (it was stored in English).
  const language = languageOf(decision, requested)
  const stored = fullEvaluation(decision, facts, language)
  const parameters =
    against === 'stored' ? DEFAULT_PARAMETERS.pinned(parametersOf(decision)) : DEFAULT_PARAMETERS
  // Against the stored rules, the decision's own ruleset version runs; against current, today's.
  const version: RulesetVersion =
    against === 'stored' && isRulesetVersion(stored.ruleset.version)
      ? stored.ruleset.version
      : RULESET.version
  // Decisions of ruleset 1.0.0 stored a summary of what was granted, keyed by the project alone.
  const history: History = isSummary(decision.history)
    ? historyFromSummary(facts, decision.history)
    : (decision.history as History)
  const evaluation = evaluate(facts, { asOf: decision.asOf, parameters, history, ruleset: version }, language)
  if (version === '1.0.0') {
    for (const o of evaluation.outcomes) (o as { ledger: unknown }).ledger = claimsOfRuleset100(o.ledger)
  }
  const replayed = JSON.parse(JSON.stringify(evaluation)) as Evaluation
  // Overrides are not part of a persisted decision; pinning marks nothing as overridden.
  const differences = diff(stored, replayed)
  const measures = stored.outcomes.map((o) => {
    const r = replayed.outcomes.find((x) => x.measure === o.measure) ?? null
    return {
      measure: o.measure,
      stored: brief(o),
      replayed: r && brief(r),
      changed: r === null || r.status !== o.status || r.amount !== o.amount,
    }
  })
  return {
    decisionId: decision.id,
    against,
    identical: differences.length === 0,
    storedRuleset: stored.ruleset,
    replayedRuleset: replayed.ruleset,
    differences,
    measures,
  }
}

/**
 * Ledger claims in the form ruleset 1.0.0 recorded them: a key string per grant (the project id for
 * the interest subsidy, "<id>:<tier>" and "<code>:<year>" for items); it recorded no tax days.
 */
const claimsOfRuleset100 = (claims: readonly LedgerClaim[]): unknown[] =>
  claims.flatMap((c) => {
    const s = c.subject
    const ledger = s.ledger
    if (c.kind === 'days') return []
    if (c.kind === 'cumulative') {
      const key = s.ledger === 'interest-subsidy' ? s.projectId : writtenKey(s)
      return [{ kind: 'cumulative', ledger, key, amount: c.amount, cap: c.cap }]
    }
    const key = c.item === '' ? writtenKey(s) : `${writtenKey(s)}:${c.item}`
    return [{ kind: 'once', ledger, key, amount: c.amount }]
  })
