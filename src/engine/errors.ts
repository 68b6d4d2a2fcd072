// One typed error family for input the engine cannot decide on (publicodes style). A missing input
// is not an error: it is an outcome (reason MISSING_INPUT). These errors are for facts that are
// wrong or undecidable as given, and the HTTP layer turns them into 4xx problem bodies that name the
// field by its JSON pointer. The message is written in both languages at the throw site ({ zh, en }:
// data, no i18n import, so the engine stays pure); the HTTP layer picks the request's language, and
// Error.message is the English (logs, stored batch row errors).

import type { Text } from './trace.ts'

export type EngineErrorCode =
  /** A tax record's period straddles the date a parameter changes (POLICY.md §0 (a)). */
  | 'StraddlesParameterChange'
  /** A value is malformed or outside its domain (credit code check character, unknown code…). */
  | 'InvalidInput'
  /** A parameter override names no known parameter, or gives a value of the wrong kind. */
  | 'UnknownParameter'
  | 'InvalidParameterValue'
  /** A tax is charged for a period when that tax did not exist (business tax after 2016-04-30). */
  | 'TaxNotInForce'
  /** The decision's amounts sum past the largest amount the service records (src/engine/decide.ts). */
  | 'AmountOutOfRange'

export class EngineError extends Error {
  readonly code: EngineErrorCode
  /** JSON pointer into the request body, e.g. "/project/taxRecords/2/to". */
  readonly pointer: string
  /** the message in Chinese and English (`message` is its English) */
  readonly text: Text
  readonly details: Record<string, unknown>

  constructor(code: EngineErrorCode, pointer: string, text: Text, details: Record<string, unknown> = {}) {
    super(text.en)
    this.name = 'EngineError'
    this.code = code
    this.pointer = pointer
    this.text = text
    this.details = details
  }
}

export const isEngineError = <C extends EngineErrorCode>(
  e: unknown,
  code?: C,
): e is EngineError & { code: C } => e instanceof EngineError && (code === undefined || e.code === code)
