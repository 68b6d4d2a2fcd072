// What the finance-bureau computations of POLICY.md §3 share: a clause, a trace and a parameter
// reader that records every read. They are not measures (no applicant, no outcome status), but they
// explain themselves the same way: each condition with its input and threshold, each parameter with
// its value and period, each arithmetic step with the values substituted.

import type { IsoDate } from '../dates.ts'
import { EngineError } from '../errors.ts'
import { Rational } from '../money.ts'
import type { ParameterSet } from '../parameters/parameter-set.ts'
import { type Text, type TraceLanguage, TraceRecorder } from '../trace.ts'

export interface FinanceOptions {
  /** the date the parameters are read at */
  asOf: IsoDate
  parameters: ParameterSet
  /** the language of the trace's steps and notes (the API's negotiated one; English by default) */
  language?: TraceLanguage
}

export class Computation extends TraceRecorder {
  readonly asOf: IsoDate
  constructor(clause: string, options: FinanceOptions) {
    super(clause, options.parameters, options.language)
    this.asOf = options.asOf
  }
}

const AMOUNT = /^\d+(\.\d{1,2})?$/

/** Parses a non-negative amount in yuan with at most two decimals, or names the field that is wrong. */
export const parseAmount = (value: unknown, pointer: string): Rational => {
  if (typeof value !== 'string' || !AMOUNT.test(value)) {
    throw new EngineError(
      'InvalidInput',
      pointer,
      {
        zh: '应为以元为单位、不小于 0、最多两位小数的十进制字符串金额，如 "1200000.00"',
        en: 'expected an amount in yuan ≥ 0 as a decimal string with at most 2 decimals, e.g. "1200000.00"',
      },
      { value },
    )
  }
  return Rational.parse(value)
}

/** The message of an id that is missing or empty. */
export const NON_EMPTY_ID: Text = { zh: '应为非空的标识', en: 'expected a non-empty id' }

/** The message of an id given twice. */
export const duplicateId = (id: string): Text => ({ zh: `标识 "${id}" 重复`, en: `duplicate id "${id}"` })

/** Escapes one JSON pointer segment (RFC 6901). */
export const pointerSegment = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1')
