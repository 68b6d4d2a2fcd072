// Parameters are data (OpenFisca style): every rate, cap, threshold and date of the policy is a
// named parameter whose values are keyed by the date they take effect, each with the clause it
// comes from. A null value means the rule is not in force (ended, or never set) in that period.

import type { IsoDate } from '../dates.ts'
import type { Text } from '../trace.ts'

/**
 * - rate: an exact decimal ratio as a string ("0.06")
 * - amount: yuan as a decimal string ("10000000.00")
 * - integer: a count (months, years, kV, rank)
 * - date: an ISO date
 * - list: a list of ids (park levels, prefectures, industry codes)
 * - table: ids mapped to decimal strings (plot-ratio standard by GB/T 4754 division)
 */
export type ParameterKind = 'rate' | 'amount' | 'integer' | 'date' | 'list' | 'table'

export type ParameterValue = string | number | readonly string[] | Readonly<Record<string, string>>

export interface DatedValue {
  from: IsoDate
  /** inclusive last day; null = open-ended */
  to: IsoDate | null
  value: ParameterValue | null
}

export interface ParameterDefinition {
  /** dotted name, e.g. "interestSubsidy.rate" */
  name: string
  kind: ParameterKind
  /** "CNY", "ratio", "months", "kV", "CNY/mu", "years", "rank", "date", "ids" */
  unit: string
  /** the clause of the source it comes from, e.g. "§18" */
  clause: string
  description: Text
  /** the interpretation we chose where the source is silent (POLICY.md), if any */
  interpretation?: string
  /** ordered by `from`, non-overlapping */
  values: readonly DatedValue[]
}

/** One parameter as read by a decision: recorded in the trace and with the decision. */
export interface ParameterRead {
  name: string
  value: ParameterValue | null
  from: IsoDate
  to: IsoDate | null
  clause: string
  /** true when the value came from a request's override rather than the ruleset */
  overridden?: boolean
}

/** A request's override: a value for every date, or a value from a date on (a reform). */
export type ParameterOverride = ParameterValue | null | { from: IsoDate; value: ParameterValue | null }
