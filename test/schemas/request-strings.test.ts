// Every string a request can carry (body, query, path, header) is refused by the schema when it
// holds U+0000 or a lone surrogate: text PostgreSQL cannot store and RFC 8785 cannot hash. Walks
// the request schemas of the committed OpenAPI document; for each string schema, fast-check
// generates values the schema accepts, inserts U+0000 or a lone surrogate, and expects a refusal.

import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import fc from 'fast-check'
import t from 'tap'
import { openapiDocument } from '../helpers/openapi.ts'

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema read structurally
type Schema = any
const ajv = new Ajv2020({ strict: false })
;(addFormats as unknown as (a: Ajv2020) => void)(ajv)

const strings: { where: string; schema: Schema }[] = []
const walk = (input: Schema, where: string, seen: Set<string>): void => {
  let s = input
  if (s?.$ref) {
    const name = String(s.$ref).split('/').pop()!
    if (seen.has(name)) return
    seen.add(name)
    s = openapiDocument.components.schemas[name]
  }
  if (!s || typeof s !== 'object') return
  if (s.type === 'string') strings.push({ where, schema: s })
  for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) walk(v, `${where}/${k}`, seen)
  for (const v of Object.values<Schema>(s.patternProperties ?? {})) walk(v, `${where}/*`, seen)
  if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}/*`, seen)
  if (s.propertyNames) walk({ type: 'string', ...s.propertyNames }, `${where}/(property name)`, seen)
  if (s.items) walk(s.items, `${where}/[]`, seen)
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    for (const [i, x] of (s[k] ?? []).entries()) walk(x, `${where}|${i}`, seen)
}
for (const [path, item] of Object.entries<Record<string, Schema>>(openapiDocument.paths)) {
  for (const [method, op] of Object.entries<Schema>(item)) {
    for (const p of op.parameters ?? []) walk(p.schema, `${method} ${path} ${p.in} ${p.name}`, new Set())
    const body = op.requestBody?.content?.['application/json']?.schema
    if (body) walk(body, `${method} ${path} body`, new Set())
  }
}

t.test('the walk found the request strings', async (t) => {
  t.ok(strings.length > 100, `${strings.length} string schemas in requests`)
  t.ok(
    strings.some((s) => s.where.includes('post /v1/keys body/label')),
    'key labels included',
  )
  t.ok(
    strings.some((s) => s.where.includes('header idempotency-key')),
    'headers included',
  )
  t.ok(
    strings.some((s) => s.where.includes('query project')),
    'query strings included',
  )
})

t.test('every request string refuses U+0000 and lone surrogates', async (t) => {
  const checked = new Map<string, string>()
  for (const { where, schema } of strings) {
    const key = JSON.stringify({ ...schema, description: undefined, examples: undefined })
    if (checked.has(key)) continue
    checked.set(key, where)
    if (schema.enum || schema.const !== undefined) continue // a closed vocabulary
    const validate = ajv.compile(schema)
    // Values the schema accepts: its formats' own shapes, or strings matching its pattern (sampled
    // once and filtered here, so that no filtered arbitrary has to shrink).
    const candidates =
      schema.format === 'date'
        ? ['2015-06-01', '1900-01-01', '2999-12-31']
        : schema.format === 'uuid'
          ? fc.sample(fc.uuid(), 20)
          : schema.format === 'date-time'
            ? ['2015-06-01T00:00:00Z']
            : fc
                .sample(
                  schema.pattern
                    ? fc.stringMatching(new RegExp(schema.pattern, 'u'), { size: 'xsmall' })
                    : fc.string({ maxLength: 10 }),
                  { numRuns: 200, seed: 42 },
                )
                // Short generated strings padded to minLength (a reason needs 3 characters).
                .map((v) => v.padEnd(schema.minLength ?? 0, 'a'))
    const samples = candidates.filter((v) => validate(v))
    if (samples.length === 0) {
      t.fail(`${where}: no accepted value could be generated`)
      continue
    }
    const accepted = fc.constantFrom(...samples)
    const bad = fc.tuple(accepted, fc.nat(), fc.constantFrom('\u0000', '\ud800', '\udfff'))
    const result = fc.check(
      fc.property(bad, ([value, at, inserted]) => {
        const i = at % (value.length + 1)
        return !validate(value.slice(0, i) + inserted + value.slice(i))
      }),
      { numRuns: 50 },
    )
    t.notOk(
      result.failed,
      `${where} (${schema.pattern ?? schema.format ?? 'no pattern'}) ${result.failed ? JSON.stringify(result.counterexample) : ''}`,
    )
  }
  t.ok(checked.size > 10, `${checked.size} distinct string schemas checked`)
})
