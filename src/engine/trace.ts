// The explanation of one outcome: which clause, which conditions with the input value and the
// threshold each was compared with, which parameters were read (value and effective period), and
// the arithmetic with its intermediate values. A reader must be able to redo the computation from
// the trace alone.

import type { ParameterRead } from './parameters/types.ts'

export interface Text {
  zh: string
  en: string
}

export type Comparison = '>=' | '>' | '<=' | '<' | '==' | '!=' | 'in' | 'not-in' | 'is'

export interface TraceCondition {
  /** stable id of the condition, e.g. "investment-positive" */
  id: string
  clause: string
  description: Text
  /** the input value as it was given (decimal strings stay strings) */
  input: unknown
  comparison: Comparison
  threshold: unknown
  holds: boolean
}

export interface TraceStep {
  /** what the step computes, e.g. "subsidy before cap" */
  description: string
  /** the arithmetic with the values substituted, e.g. "0.06 × 120000000.00" */
  expression: string
  /** the exact result (a decimal, or a fraction when it does not terminate) */
  result: string
}

export interface Trace {
  clause: string
  conditions: TraceCondition[]
  parameters: ParameterRead[]
  steps: TraceStep[]
  notes: string[]
}

export const emptyTrace = (clause: string): Trace => ({
  clause,
  conditions: [],
  parameters: [],
  steps: [],
  notes: [],
})
