// An evaluation as the caller asked for it: the summary (outcomes, amounts, reasons) by default, the
// full explanation with `?explain=full` or `Prefer: explain=full` (src/schemas/explain.ts).

import type { Evaluation } from '../engine/types.ts'

export type Explain = 'summary' | 'full'

/** What the request asks for: the query parameter wins over the Prefer header (RFC 7240). */
export const explainOf = (
  query: { explain?: Explain } | undefined,
  prefer: string | string[] | undefined,
): Explain =>
  query?.explain ??
  ([prefer ?? []].flat().some((p) => /(^|[\s;,])explain=full\b/.test(p)) ? 'full' : 'summary')

export const summarise = (e: Evaluation) => ({
  ruleset: e.ruleset,
  asOf: e.asOf,
  gates: e.gates.map(({ trace: _trace, ...gate }) => gate),
  outcomes: e.outcomes.map(({ trace: _trace, ...outcome }) => outcome),
  totalAmount: e.totalAmount,
  overriddenParameters: e.overriddenParameters,
})
