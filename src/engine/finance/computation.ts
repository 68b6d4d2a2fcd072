// What the finance-bureau computations of POLICY.md §3 share: a clause, a trace and a parameter
// reader that records every read. They are not measures (no applicant, no outcome status), but they
// explain themselves the same way: each condition with its input and threshold, each parameter with
// its value and period, each arithmetic step with the values substituted.

import type { IsoDate } from '../dates.ts'
import { EngineError } from '../errors.ts'
import { Rational } from '../money.ts'
import type { ParameterSet } from '../parameters/parameter-set.ts'
import { TraceRecorder } from '../trace.ts'

export interface FinanceOptions {
  /** the date the parameters are read at */
  asOf: IsoDate
  parameters: ParameterSet
}

export class Computation extends TraceRecorder {
  constructor(
    clause: string,
    readonly asOf: IsoDate,
    parameters: ParameterSet,
  ) {
    super(clause, parameters)
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
