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
  // The quick walk writes what it can write plainly; anything else (a refusal, a toJSON that is not
  // a Date's, a nesting deeper than any record we store: what a cycle looks like to it) sends the
  // whole value to the careful walk, which writes it or says where and why it cannot.
  try {
    const text = quick('', value, 0)
    if (text !== undefined) return text
  } catch (error) {
    if (error !== CAREFULLY) throw error
  }
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

// The quick walk: the same text as the careful one below for every value it accepts, without its
// bookkeeping (a path for the pointer of a refusal, the ancestors for cycles), which made hashing a
// stored decision cost 4× its JSON.stringify (a decision's record and its application are hashed on
// every stored decision, thousands per batch: issue #10, #11). It throws CAREFULLY, never a
// refusal of its own, so every refusal keeps the careful walk's words.

/** Thrown by the quick walk for a value it leaves to the careful one. */
const CAREFULLY = Symbol('canonicalize carefully')
/** Deeper than any value we hash; a cycle reaches it, and the careful walk names the cycle. */
const QUICK_DEPTH = 64
/** A character JSON.stringify escapes, or half of a surrogate pair (a lone one is refused). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it looks for
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/

function quick(key: string, raw: unknown, depth: number): string | undefined {
  switch (typeof raw) {
    case 'string':
      return ESCAPED.test(raw) ? quickString(raw) : `"${raw}"`
    case 'number':
      if (!Number.isFinite(raw)) throw CAREFULLY
      return String(raw)
    case 'boolean':
      return raw ? 'true' : 'false'
    case 'undefined':
      return undefined
    case 'object':
      break
    default:
      throw CAREFULLY
  }
  if (raw === null) return 'null'
  if (depth > QUICK_DEPTH) throw CAREFULLY
  if (Array.isArray(raw)) {
    if (typeof (raw as { toJSON?: unknown }).toJSON === 'function') throw CAREFULLY
    let text = '['
    for (let i = 0; i < raw.length; i++)
      text += (i === 0 ? '' : ',') + (quick(String(i), raw[i], depth + 1) ?? 'null')
    return `${text}]`
  }
  const prototype = Object.getPrototypeOf(raw)
  if (prototype !== Object.prototype && prototype !== null) {
    // A Date writes itself as JSON.stringify writes it; every other kind is the careful walk's call.
    if (prototype === Date.prototype) return quick(key, (raw as Date).toJSON(key), depth)
    throw CAREFULLY
  }
  const record = raw as Record<string, unknown>
  if (typeof record['toJSON'] === 'function') throw CAREFULLY
  const names = sortedNames(record)
  let text = '{'
  let first = true
  for (const name of names) {
    const member = quick(name, record[name], depth + 1)
    if (member === undefined) continue
    text += `${first ? '' : ','}${ESCAPED.test(name) ? quickString(name) : `"${name}"`}:${member}`
    first = false
  }
  return `${text}}`
}

/** Above this many names a record is sorted by Array#sort: insertion sort is quadratic. */
const INSERTION_SORT_MAX = 32

/**
 * The member names of a record in §3.2.3's order (UTF-16 code units: what `<` and Array#sort
 * compare). Sorted in place by insertion: our records have a few names, many of them built in order
 * already (nothing moves). Array#sort made 40 % of the bytes a decision's hashing allocated (a
 * sampling heap profile of a batch submit: 17 % of all its bytes; BENCHMARKS.md).
 */
function sortedNames(record: object): string[] {
  const names = Object.keys(record)
  if (names.length > INSERTION_SORT_MAX) return names.sort()
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!
    let j = i - 1
    for (; j >= 0 && names[j]! > name; j--) names[j + 1] = names[j]!
    names[j + 1] = name
  }
  return names
}

function quickString(value: string): string {
  if (!(value as unknown as WellFormed).isWellFormed()) throw CAREFULLY
  return JSON.stringify(value)
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
  for (const name of sortedNames(record)) {
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
