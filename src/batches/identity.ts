// What a submitted row's idempotency key hashes (src/batches/run.ts rowKeyOf): its application's
// facts with every number written one way. The schema admits "120000000", "120000000.00" and
// "0120000000.0" for the same investment, and the engine decides them alike; a file re-saved by a
// spreadsheet that drops ".00" would otherwise make each of its rows a new application — the same
// project's interest subsidy granted again up to its §18 cap. Money is written with two decimals,
// other decimals and ratios without trailing zeros, and integer parts without leading zeros. Only
// the key uses this form: the stored facts are the row's as given.

import { Application, DECIMAL_PATTERN, MONEY_PATTERN, RATIO_PATTERN } from '../schemas/application.ts'

const digitsOf = (text: string): [string, string] => {
  const [whole = '', fraction = ''] = text.split('.')
  return [whole.replace(/^0+(?=\d)/, ''), fraction]
}

/** "0120000000.5" → "120000000.50" */
const money = (text: string): string => {
  const [whole, fraction] = digitsOf(text)
  return `${whole}.${fraction.padEnd(2, '0')}`
}

/** "0.600" → "0.6", "12.0" → "12" */
const decimal = (text: string): string => {
  const [whole, fraction] = digitsOf(text)
  const kept = fraction.replace(/0+$/, '')
  return kept === '' ? whole : `${whole}.${kept}`
}

/** The parts of a JSON schema this walk reads. */
interface Schema {
  pattern?: string
  items?: Schema
  properties?: Record<string, Schema>
  anyOf?: Schema[]
}

const canonical = (schema: Schema, value: unknown): unknown => {
  if (typeof value === 'string') {
    // equal strings are the same value: an unchanged number leaves its object unchanged
    if (schema.pattern === MONEY_PATTERN) return money(value)
    if (schema.pattern === DECIMAL_PATTERN || schema.pattern === RATIO_PATTERN) return decimal(value)
    return value
  }
  if (Array.isArray(value)) {
    const items = schema.items
    if (!items) return value
    const mapped = value.map((v) => canonical(items, v))
    return mapped.every((v, i) => v === value[i]) ? value : mapped
  }
  if (value !== null && typeof value === 'object') {
    const properties = schema.properties
    // an optional object written as a union with one object branch (Type.Union([...]))
    if (!properties) return schema.anyOf?.length === 1 ? canonical(schema.anyOf[0]!, value) : value
    const entries = Object.entries(value)
    const mapped = entries.map(([k, v]) => [k, properties[k] ? canonical(properties[k], v) : v] as const)
    return mapped.every(([, v], i) => v === entries[i]![1]) ? value : Object.fromEntries(mapped)
  }
  return value
}

/**
 * The facts as the row's idempotency key hashes them (valid facts: they passed the schema): the same
 * object when every number is already written one way (what the caller can test to skip a hash).
 */
export const identityOf = (facts: unknown): unknown => canonical(Application as Schema, facts)
