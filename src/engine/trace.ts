// The explanation of one outcome: which clause, which conditions with the input value and the
// threshold each was compared with, which parameters were read (value and effective period), and
// the arithmetic with its intermediate values. A reader must be able to redo the computation from
// the trace alone.

import type { Rational } from './money.ts'
import type { ParameterReader, ParameterSet } from './parameters/parameter-set.ts'
import type { ParameterRead } from './parameters/types.ts'

export interface Text {
  zh: string
  en: string
}

/**
 * The language a trace's steps and notes are rendered in (the API negotiates it from
 * Accept-Language, src/i18n/language.ts; the same two languages). Conditions carry both (Text).
 */
export type TraceLanguage = 'zh-CN' | 'en'

export const inLanguage = (text: Text, language: TraceLanguage): string =>
  language === 'en' ? text.en : text.zh

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
  /** the result: an exact decimal, or six decimals and "…" when it does not terminate (1.2.0 on; a fraction before) */
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

export interface ConditionSpec {
  id: string
  description: Text
  input: unknown
  comparison: Comparison
  threshold: unknown
  holds: boolean
  /** defaults to the trace's clause */
  clause?: string
}

/**
 * Writes a trace as a computation goes: conditions (with input and threshold), parameter reads
 * (through `params`, with value and period), arithmetic steps, notes. The finance computations
 * explain themselves through it (measures record facts, src/engine/facts.ts). Steps and notes are
 * given in both languages and written in `language`, as a rendered measure trace is.
 */
export class TraceRecorder {
  readonly trace: Trace
  readonly params: ParameterReader
  readonly language: TraceLanguage

  constructor(clause: string, parameters: ParameterSet, language: TraceLanguage = 'en') {
    this.trace = emptyTrace(clause)
    this.params = parameters.reader(this.trace)
    this.language = language
  }

  /** Records a condition and returns whether it holds. */
  condition(spec: ConditionSpec): boolean {
    this.trace.conditions.push({
      id: spec.id,
      clause: spec.clause ?? this.trace.clause,
      description: spec.description,
      input: spec.input,
      comparison: spec.comparison,
      threshold: spec.threshold,
      holds: spec.holds,
    })
    return spec.holds
  }

  /**
   * Records an arithmetic step and returns its value, so code and trace cannot disagree. Money
   * results show as yuan ("7200000.00", exact beyond the fen when need be); others exactly.
   */
  step(description: Text, expression: string, value: Rational, unit: 'yuan' | 'number' = 'yuan'): Rational {
    this.trace.steps.push({
      description: inLanguage(description, this.language),
      expression,
      result: unit === 'yuan' ? value.toYuan() : value.toString(),
    })
    return value
  }

  note(text: Text): void {
    this.trace.notes.push(inLanguage(text, this.language))
  }
}
