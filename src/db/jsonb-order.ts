// The key order PostgreSQL's jsonb gives back: an object's keys sorted by their length in bytes
// (UTF-8), then bytewise; arrays keep their order. A value read back from a jsonb column has its
// objects in this order, whatever order it was written in. A response rendered from values put in
// this order is therefore the same bytes as one rendered later from the stored row: an idempotent
// retry is answered by rendering the stored decision again (migration 2026-12-03T1700), not by
// storing the first response's bytes.

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

/** jsonb's order of two keys. For ASCII keys (nearly all) length and code units are bytes. */
const byJsonbOrder = (a: string, b: string): number => {
  if (isAscii(a) && isAscii(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  const la = Buffer.byteLength(a)
  const lb = Buffer.byteLength(b)
  if (la !== lb) return la - lb
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/** Whether keys are already in jsonb's order (then the object is copied as it is). */
const inOrder = (keys: readonly string[]): boolean => {
  for (let i = 1; i < keys.length; i++) if (byJsonbOrder(keys[i - 1]!, keys[i]!) > 0) return false
  return true
}

/** A deep copy of a JSON value with every object's keys in jsonb's order (undefined members dropped, as JSON drops them). */
export const inJsonbOrder = <T>(value: T): T => reorder(value) as T

const reorder = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : reorder(v)))
  if (value === null || typeof value !== 'object') return value
  const object = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  const keys = Object.keys(object)
  if (keys.length > 1 && !inOrder(keys)) keys.sort(byJsonbOrder)
  for (const key of keys) {
    const v = object[key]
    if (v !== undefined) out[key] = reorder(v)
  }
  return out
}
