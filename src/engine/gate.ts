// Gates run before every measure (POLICY.md §1): a project that fails one is ineligible for every
// measure, with the gate's reason.

import type { ParameterSet } from './parameters/parameter-set.ts'
import type { RulesetVersion } from './ruleset.ts'
import { type Comparison, type Text, TraceRecorder } from './trace.ts'
import type { Application, GateResult, Reason } from './types.ts'

export interface Gate {
  id: GateResult['gate']
  clause: string
  title: Text
  /** the reason code every measure receives when the gate fails */
  reasonCode: string
  evaluate(
    application: Application,
    asOf: string,
    parameters: ParameterSet,
    ruleset: RulesetVersion,
  ): GateResult
}

/** One gate's test: its trace (conditions, parameters, steps, notes) and the reasons it fails. */
export class GateRun extends TraceRecorder {
  readonly reasons: Reason[] = []

  constructor(
    readonly gate: GateResult['gate'],
    clause: string,
    parameters: ParameterSet,
  ) {
    super(clause, parameters)
  }

  /** Records a condition; a condition that does not hold fails the gate with `failure`. */
  check(
    id: string,
    description: Text,
    input: unknown,
    comparison: Comparison,
    threshold: unknown,
    holds: boolean,
    failure: Reason,
  ): void {
    this.condition({ id, description, input, comparison, threshold, holds })
    if (!holds) this.reasons.push(failure)
  }

  get passed(): boolean {
    return this.reasons.length === 0
  }

  /** The gate's result; `consequences` apply only when it failed. */
  result(consequences: readonly string[] = []): GateResult {
    return {
      gate: this.gate,
      clause: this.trace.clause,
      passed: this.passed,
      reasons: this.reasons,
      consequences: this.passed ? [] : [...consequences],
      trace: this.trace,
    }
  }
}
