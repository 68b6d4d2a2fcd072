// fast-check arbitraries derived from the OpenAPI document's JSON Schemas: values that mostly
// satisfy the schema (patterns, formats, enums, bounds), so the fuzzer reaches the engine and the
// database rather than stopping at validation. Arrays are kept short to keep runs fast.

import fc from 'fast-check'
import { openapiDocument } from './openapi.ts'

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema read structurally
type Schema = any

const resolve = (schema: Schema): Schema => {
  if (schema?.$ref) {
    const name = String(schema.$ref).split('/').pop()!
    return resolve(openapiDocument.components.schemas[name])
  }
  return schema
}

const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))
// Mostly the policy's years, where the rules actually do something.
const policyDate = fc
  .date({ min: new Date('2013-01-01T00:00:00Z'), max: new Date('2021-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))

const stringArbitrary = (s: Schema): fc.Arbitrary<string> => {
  if (s.format === 'date')
    return fc.oneof({ arbitrary: policyDate, weight: 4 }, { arbitrary: isoDate, weight: 1 })
  if (s.format === 'uuid') return fc.uuid()
  if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
  const max = Math.min(s.maxLength ?? 40, 40)
  if (s.pattern) {
    return fc
      .stringMatching(new RegExp(s.pattern, 'u'), { size: 'xsmall' })
      .map((v) => (v.length > (s.maxLength ?? Number.POSITIVE_INFINITY) ? v.slice(0, s.maxLength) : v))
  }
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.max(max, s.minLength ?? 0) })
}

export const arbitraryOf = (input: Schema, depth = 0): fc.Arbitrary<unknown> => {
  const s = resolve(input)
  if (s === undefined || s === true || depth > 8) return fc.jsonValue({ maxDepth: 1 })
  if (s.const !== undefined) return fc.constant(s.const)
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]))
  const union = s.anyOf ?? s.oneOf
  if (union) return fc.oneof(...(union as Schema[]).map((u) => arbitraryOf(u, depth + 1)))
  const type = Array.isArray(s.type) ? s.type[0] : s.type
  switch (type) {
    case 'string':
      return stringArbitrary(s)
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 })
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(arbitraryOf(s.items, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
      })
    case 'object': {
      if (s.properties) {
        const required = new Set<string>(s.required ?? [])
        const shape = Object.fromEntries(
          Object.entries(s.properties as Record<string, Schema>).map(([k, v]) => [
            k,
            arbitraryOf(v, depth + 1),
          ]),
        )
        return fc.record(shape, { requiredKeys: [...required] as never[] })
      }
      const values = s.additionalProperties ?? Object.values(s.patternProperties ?? {})[0]
      const names = s.propertyNames
        ? stringArbitrary({ type: 'string', ...s.propertyNames })
        : fc.string({ maxLength: 20 })
      return fc.dictionary(names, arbitraryOf(values, depth + 1), { maxKeys: 3 })
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/** The request body schema of an operation, as the document declares it. */
export const requestBodySchema = (path: string, method: string): Schema =>
  openapiDocument.paths[path][method].requestBody?.content?.['application/json']?.schema
