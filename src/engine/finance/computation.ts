// What the finance-bureau computations of POLICY.md §3 share: a clause, a trace and a parameter
// reader that records every read. They are not measures (no applicant, no outcome status), but they
// explain themselves the same way: each condition with its input and threshold, each parameter with
// its value and period, each arithmetic step with the values substituted.

import type { IsoDate } from '../dates.ts'
import { EngineError } from '../errors.ts'
import type { ConditionSpec } from '../measure.ts'
import { Rational } from '../money.ts'
import type { ParameterReader, ParameterSet } from '../parameters/parameter-set.ts'
import { emptyTrace, type Trace } from '../trace.ts'

export interface FinanceOptions {
  /** the date the parameters are read at */
  asOf: IsoDate
  parameters: ParameterSet
}

export class Computation {
  readonly trace: Trace
  readonly params: ParameterReader

  constructor(
    clause: string,
    readonly asOf: IsoDate,
    parameters: ParameterSet,
  ) {
    this.trace = emptyTrace(clause)
    this.params = parameters.reader(this.trace)
  }

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

  /** Records an arithmetic step and returns its value (money as yuan, exact beyond the fen). */
  step(description: string, expression: string, value: Rational, unit: 'yuan' | 'number' = 'yuan'): Rational {
    this.trace.steps.push({
      description,
      expression,
      result: unit === 'yuan' ? value.toYuan() : value.toString(),
    })
    return value
  }

  note(text: string): void {
    this.trace.notes.push(text)
  }
}

const AMOUNT = /^\d+(\.\d{1,2})?$/

/** Parses a non-negative amount in yuan with at most two decimals, or names the field that is wrong. */
export const parseAmount = (value: unknown, pointer: string): Rational => {
  if (typeof value !== 'string' || !AMOUNT.test(value)) {
    throw new EngineError(
      'InvalidInput',
      pointer,
      'expected an amount in yuan ≥ 0 as a decimal string with at most 2 decimals, e.g. "1200000.00"',
      { value },
    )
  }
  return Rational.parse(value)
}

/** Escapes one JSON pointer segment (RFC 6901). */
export const pointerSegment = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1')
