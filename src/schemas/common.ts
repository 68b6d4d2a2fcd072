// Primitives every request schema is built from, so that what the schema admits is also what the
// service can hash (RFC 8785 needs I-JSON: no lone surrogates) and PostgreSQL can store (no U+0000
// in text or jsonb; dates within its range). test/schemas/request-strings.test.ts walks every
// request schema of the OpenAPI document and fails on a string that could still carry U+0000.
//
// Ajv compiles patterns with the `u` flag, so a surrogate *pair* (an emoji, a rare CJK character)
// is one code point and passes, while a lone surrogate is refused.

import { Type } from 'typebox'

/** Text without U+0000 and without lone UTF-16 surrogates. */
export const TEXT_PATTERN = '^[^\\u0000\\ud800-\\udfff]*$'
export const TEXT_RULE =
  'must not contain U+0000 or a lone surrogate (text PostgreSQL can store and RFC 8785 can hash)'

/**
 * A calendar date YYYY-MM-DD with a year from 1900 to 2999. PostgreSQL's `date` cannot store year
 * 0000, and no application, tax period or reform of a 2014 policy lies outside these years; the
 * `date` format still checks the day exists (no 2015-02-30).
 */
export const ISO_DATE_PATTERN = '^(19|2\\d)\\d{2}-\\d{2}-\\d{2}$'
export const ISO_DATE_RULE = 'must be a date YYYY-MM-DD from 1900-01-01 to 2999-12-31'

/** Free text: a name, a label, a reason. */
export const PlainText = (description: string, options: { minLength?: number; maxLength: number }) =>
  Type.String({ pattern: TEXT_PATTERN, ...options, description })

/** A date a request may carry: see ISO_DATE_PATTERN. */
export const IsoDate = (description: string) =>
  Type.String({
    format: 'date',
    pattern: ISO_DATE_PATTERN,
    description: `${description} YYYY-MM-DD, year 1900 to 2999.`,
  })

/**
 * A date the service answers with: parameter periods start at the beginning of the calendar
 * (0000-01-01, "always"), which no request may send but a response may show.
 */
export const CalendarDate = (description: string) => Type.String({ format: 'date', description })

/** A dotted parameter name, e.g. "interestSubsidy.rate": ASCII, as the ruleset names them. */
export const PARAMETER_NAME_PATTERN = '^[A-Za-z][\\w.-]{0,99}$'

/** A decimal string that may be negative (an indicator's value: a growth rate may fall). */
export const SIGNED_DECIMAL_PATTERN = '^-?\\d{1,15}(\\.\\d{1,12})?$'

/** A year in a path or query: four digits, 1900 to 2999 (as request dates are). */
export const YEAR_PATTERN = '^(19|2\\d)\\d{2}$'

/** A SHA-256 hash: 64 lower-case hexadecimal digits. */
export const SHA256_PATTERN = '^[0-9a-f]{64}$'

/** A problem type's name, as in /problems/<name>. */
export const PROBLEM_TYPE_PATTERN = '^[a-z][a-z0-9-]{0,63}$'

/** A list's cursor: the position of the previous page's last item. */
export const CURSOR_PATTERN = '^[0-9]{1,18}$'
/** A list's page size: 1 to 100. */
export const LIST_LIMIT_PATTERN = '^([1-9]|[1-9][0-9]|100)$'

/** Request headers are ASCII: visible characters and spaces (an Idempotency-Key, RFC 9110 field value). */
export const HEADER_VALUE_PATTERN = '^[\\x20-\\x7e]+$'
