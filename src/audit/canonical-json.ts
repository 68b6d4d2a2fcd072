// RFC 8785 JSON Canonicalization Scheme (JCS): one byte sequence per JSON value, so that a hash of
// an audit entry or of an entity means the same thing to us and to an auditor re-implementing it.
//
// - §3.2.2.1 literals null/true/false as is.
// - §3.2.2.2 strings as ECMAScript JSON.stringify writes them (\" \\ \b \f \n \r \t, other
//   controls as lowercase \u00xx, everything else raw UTF-8). JCS input must be I-JSON (RFC 7493
//   §2.1), so a lone surrogate is rejected rather than escaped.
// - §3.2.2.3 numbers as ECMAScript Number::toString (shortest round-trip, -0 → "0"); NaN and
//   ±Infinity are not JSON and are rejected.
// - §3.2.3 object members sorted by the UTF-16 code units of their names (what Array#sort does by
//   default), arrays in their own order, no whitespace anywhere.
//
// Beyond the RFC, values are read the way JSON.stringify reads them (toJSON is honoured, undefined
// members are skipped, undefined array items become null) but anything JSON.stringify would lose or
// mangle silently is a TypeError here: BigInt, functions, symbols, cycles, and objects that are not
// plain (Map, Set, class instances), because a hash over silently dropped data proves nothing.

import { createHash } from 'node:crypto'

export function canonicalize(value: unknown): string {
  const text = serialize('', value, [], new Set())
  if (text === undefined) throw new TypeError('canonicalize: the value is undefined, which has no JSON form')
  return text
}

/** SHA-256 of the UTF-8 bytes of `data` (or of the bytes themselves), as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalize(value))
}

// `path` holds the member names and array indexes down to the value being written (pushed and
// popped as the walk goes): the JSON pointer of a refusal is built from it only when one is thrown,
// so hashing a large record spends nothing on pointers (a decision's record is hashed on every
// stored decision, thousands per batch).

/** Returns undefined for a value JSON.stringify would skip as an object member. */
function serialize(key: string, raw: unknown, path: string[], ancestors: Set<object>): string | undefined {
  const value = applyToJSON(key, raw)
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw refuse(path, `the number ${value} has no JSON form`)
      return String(value)
    case 'string':
      return serializeString(value, path)
    case 'undefined':
      return undefined
    case 'bigint':
      throw refuse(path, 'a BigInt has no JSON number form; convert it to a string first')
    case 'function':
    case 'symbol':
      throw refuse(path, `a ${typeof value} is not JSON data`)
  }
  if (ancestors.has(value)) throw refuse(path, 'the value contains a cycle')
  ancestors.add(value)
  try {
    return Array.isArray(value)
      ? serializeArray(value, path, ancestors)
      : serializeObject(value, path, ancestors)
  } finally {
    ancestors.delete(value)
  }
}

function applyToJSON(key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return toJSON.call(value, key)
  }
  return value
}

function serializeArray(array: readonly unknown[], path: string[], ancestors: Set<object>): string {
  let text = '['
  for (let i = 0; i < array.length; i++) {
    const index = String(i)
    path.push(index)
    text += (i === 0 ? '' : ',') + (serialize(index, array[i], path, ancestors) ?? 'null')
    path.pop()
  }
  return `${text}]`
}

function serializeObject(object: object, path: string[], ancestors: Set<object>): string {
  const prototype = Object.getPrototypeOf(object)
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (prototype as { constructor?: { name?: string } }).constructor?.name ?? 'unknown'
    throw refuse(path, `a ${name} is not a plain object; convert it to one first`)
  }
  const record = object as Record<string, unknown>
  let text = '{'
  let first = true
  for (const name of Object.keys(record).sort()) {
    path.push(name)
    const member = serialize(name, record[name], path, ancestors)
    path.pop()
    if (member === undefined) continue
    text += `${first ? '' : ','}${serializeString(name, path)}:${member}`
    first = false
  }
  return `${text}}`
}

/** String.prototype.isWellFormed (ES2024, Node 20): false when a lone surrogate is present. */
type WellFormed = { isWellFormed(): boolean }

function serializeString(value: string, path: readonly string[]): string {
  if (!(value as unknown as WellFormed).isWellFormed())
    throw refuse(path, 'a string contains a lone surrogate (not I-JSON)')
  return JSON.stringify(value)
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1')
}

function refuse(path: readonly string[], reason: string): TypeError {
  const pointer = path.map((name) => `/${escapePointer(name)}`).join('')
  return new TypeError(`canonicalize: at "${pointer}": ${reason}`)
}
