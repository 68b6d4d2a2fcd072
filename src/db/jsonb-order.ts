// The key order PostgreSQL's jsonb gives back: an object's keys sorted by their length in bytes
// (UTF-8), then bytewise; arrays keep their order. A value read back from a jsonb column has its
// objects in this order, whatever order it was written in. A response rendered from values put in
// this order is therefore the same bytes as one rendered later from the stored row: an idempotent
// retry is answered by rendering the stored decision again (migration 2026-12-03T1700), not by
// storing the first response's bytes.

const byJsonbOrder = (a: string, b: string): number => {
  const la = Buffer.byteLength(a)
  const lb = Buffer.byteLength(b)
  if (la !== lb) return la - lb
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/** A deep copy of a JSON value with every object's keys in jsonb's order (undefined members dropped, as JSON drops them). */
export const inJsonbOrder = <T>(value: T): T => reorder(JSON.parse(JSON.stringify(value))) as T

const reorder = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reorder)
  if (value === null || typeof value !== 'object') return value
  const object = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(object).sort(byJsonbOrder)) out[key] = reorder(object[key])
  return out
}
