// Gates run before every measure (POLICY.md §1): a project that fails one is ineligible for every
// measure, with the gate's reason.

import type { ConditionDef, TraceFacts } from './facts.ts'
import { FactRecorder } from './measure.ts'
import type { ParameterSet } from './parameters/parameter-set.ts'
import type { RulesetVersion } from './ruleset.ts'
import type { Text } from './trace.ts'
import type { Application, GateResult, Reason } from './types.ts'

export interface Gate {
  id: GateResult['gate']
  clause: string
  title: Text
  /** the reason code every measure receives when the gate fails */
  reasonCode: string
  /** §17: the consequences a failed gate lists (ids) */
  consequences?: readonly string[]
  /** Tests the gate, recording its trace as facts (`run` was made for this gate). */
  decide(run: GateRun, application: Application, asOf: string): void
  /** The gate's result with its trace in words (decide, then render). */
  evaluate(
    application: Application,
    asOf: string,
    parameters: ParameterSet,
    ruleset: RulesetVersion,
  ): GateResult
}

/** A gate from its definition; `evaluate` decides and renders. */
export const defineGate = (spec: Omit<Gate, 'evaluate'>): Gate => {
  const gate: Gate = {
    ...spec,
    evaluate(application, asOf, parameters, ruleset) {
      const run = new GateRun(gate, application, parameters, ruleset)
      gate.decide(run, application, asOf)
      return gateResult(gate, run.result(), run.trace)
    },
  }
  return gate
}

/** A gate's result as a decision records it; render.ts makes the GateResult of it. */
export interface CompactGate {
  gate: GateResult['gate']
  passed: boolean
  reasons: Reason[]
  trace: TraceFacts
}

/** One gate's test: the facts of its trace and the reasons it fails. */
export class GateRun extends FactRecorder {
  readonly reasons: Reason[] = []

  constructor(
    readonly gate: Gate,
    application: Application,
    parameters: ParameterSet,
    ruleset: RulesetVersion,
  ) {
    super(gate.id, gate.clause, application, parameters, ruleset)
  }

  /**
   * Records a condition; a condition that does not hold fails the gate with `failure` (made only
   * then: a gate usually passes, and its messages are words built from the application).
   */
  check(def: ConditionDef, input: unknown, threshold: unknown, holds: boolean, failure: () => Reason): void {
    this.test(def, input, threshold, holds)
    if (!holds) this.reasons.push(failure())
  }

  get passed(): boolean {
    return this.reasons.length === 0
  }

  result(): CompactGate {
    return { gate: this.gate.id, passed: this.passed, reasons: this.reasons, trace: this.facts }
  }
}

/** The GateResult of a compact gate (`trace` already rendered). */
export const gateResult = (
  gate: Gate,
  compact: Omit<CompactGate, 'trace'>,
  trace: GateResult['trace'],
): GateResult => ({
  gate: gate.id,
  clause: gate.clause,
  passed: compact.passed,
  reasons: compact.reasons,
  consequences: compact.passed ? [] : [...(gate.consequences ?? [])],
  trace,
})
