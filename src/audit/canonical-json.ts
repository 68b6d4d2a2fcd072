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

const LONE_SURROGATE = /\p{Cs}/u

export function canonicalize(value: unknown): string {
  const text = serialize('', value, '', new Set())
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

/** Returns undefined for a value JSON.stringify would skip as an object member. */
function serialize(key: string, raw: unknown, pointer: string, ancestors: Set<object>): string | undefined {
  const value = applyToJSON(key, raw)
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw refuse(pointer, `the number ${value} has no JSON form`)
      return String(value)
    case 'string':
      return serializeString(value, pointer)
    case 'undefined':
      return undefined
    case 'bigint':
      throw refuse(pointer, 'a BigInt has no JSON number form; convert it to a string first')
    case 'function':
    case 'symbol':
      throw refuse(pointer, `a ${typeof value} is not JSON data`)
  }
  if (ancestors.has(value)) throw refuse(pointer, 'the value contains a cycle')
  ancestors.add(value)
  try {
    return Array.isArray(value)
      ? serializeArray(value, pointer, ancestors)
      : serializeObject(value, pointer, ancestors)
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

function serializeArray(array: readonly unknown[], pointer: string, ancestors: Set<object>): string {
  const items: string[] = []
  for (let i = 0; i < array.length; i++) {
    items.push(serialize(String(i), array[i], `${pointer}/${i}`, ancestors) ?? 'null')
  }
  return `[${items.join(',')}]`
}

function serializeObject(object: object, pointer: string, ancestors: Set<object>): string {
  const prototype = Object.getPrototypeOf(object)
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (prototype as { constructor?: { name?: string } }).constructor?.name ?? 'unknown'
    throw refuse(pointer, `a ${name} is not a plain object; convert it to one first`)
  }
  const record = object as Record<string, unknown>
  const members: string[] = []
  for (const name of Object.keys(record).sort()) {
    const member = serialize(name, record[name], `${pointer}/${escapePointer(name)}`, ancestors)
    if (member !== undefined) members.push(`${serializeString(name, pointer)}:${member}`)
  }
  return `{${members.join(',')}}`
}

function serializeString(value: string, pointer: string): string {
  if (LONE_SURROGATE.test(value)) throw refuse(pointer, 'a string contains a lone surrogate (not I-JSON)')
  return JSON.stringify(value)
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1')
}

function refuse(pointer: string, reason: string): TypeError {
  return new TypeError(`canonicalize: at "${pointer}": ${reason}`)
}
