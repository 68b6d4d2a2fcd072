// Fuzzing every POST and PUT route of the document with fast-check: FUZZ_RUNS (1 000)
// bodies each (a route that takes no body, which it ignores, a tenth of them: its runs only repeat
// the same request), a mix of (a) values derived from the route's request schema, (b) the valid bodies of
// examples/ and test/helpers/requests.ts with 1–3 mutations (a value replaced by an edge case —
// U+0000, a lone surrogate, year 0000, huge numbers, wrong types — a property removed, an unknown
// one added), and (c) arbitrary JSON. Whatever the body: never a 5xx, and the answer is one the
// committed OpenAPI document declares, with a body valid against its schema (Ajv). On failure
// fast-check prints the seed and the shrunk body that failed.
//
// The routes are fuzzed by two test files, test/fuzz-bodies/{stateless,stored}.test.ts, so that tap
// runs the halves in parallel (one file took 65 s, the longest of the suite).

import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { Test } from 'tap'
import { testApp } from './app.ts'
import { testDatabase } from './database.ts'
import { bearer, ENTERPRISE_A, keysFor } from './fixtures.ts'
import { operations, responseProblem } from './openapi.ts'
import { applicationOf, EXAMPLES, VALID_BODIES } from './requests.ts'
import { arbitraryOf, requestBodySchema } from './schema-arbitrary.ts'

const FUZZ_RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000)

/**
 * The routes that store something, in two files of about a minute each
 * (test/fuzz-bodies/stored-*.test.ts; one file took 140 s of tap's 180); the others are
 * stateless.test.ts's.
 */
const STORING = {
  'stored-decisions': new Set(['submitApplication', 'correctDecision']),
  'stored-bureau': new Set(['uploadBatch', 'createApiKey', 'setBudget', 'setPrefectureBudget']),
}

export const fuzzBodies = async (t: Test, half: keyof typeof STORING | 'stateless'): Promise<void> => {
  const database = await testDatabase(t)
  // Limits off: this file is about bodies; the OWASP matrix tests the limiter.
  // Batches are only queued here: the fuzzer tests how uploads are read and answered; running them is
  // test/routes/batches.test.ts's (1 000 batch runs would only slow this file down).
  const app = await testApp(t, database, {
    limits: { rateLimitPerKey: 0, rateLimitAnonymous: 0, rateLimitAuthFailures: 0 },
    batchQueue: {
      enqueue: async () => {},
      fundBudget: async () => {},
      start: async () => {},
      stop: async () => {},
    },
  })
  const keys = await keysFor(database)

  // A stored decision to replay and correct; a correction makes a new current decision, followed here.
  const stored = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), 'idempotency-key': randomUUID() },
    payload: applicationOf(ENTERPRISE_A) as object,
  })
  if (stored.statusCode !== 201) throw new Error(`setup: ${stored.statusCode} ${stored.body}`)
  let currentDecision = (stored.json() as { decisions: { id: string }[] }).decisions[0]!.id

  const KEY_FOR: Record<string, string | undefined> = {
    submitApplication: keys.finance,
    uploadBatch: keys.finance,
    replayDecision: keys.auditor,
    retryBatch: keys.finance,
    cancelBatch: keys.finance,
    correctDecision: keys.finance,
    createApiKey: keys.admin,
    setBudget: keys.finance,
    setPrefectureBudget: keys.finance,
  }

  const EDGE_VALUES: unknown[] = [
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '😀',
    '0000-01-01',
    '9999-12-31',
    '2015-02-29',
    '',
    ' ',
    'x'.repeat(5000),
    '-1',
    '1e5',
    '99999999999999999999.999',
    '0.000000000001',
    -1,
    0,
    1.5,
    1e308,
    Number.MAX_SAFE_INTEGER,
    true,
    null,
    [],
    {},
    [null],
    { $ref: '#' },
    // An own "__proto__" key, as JSON.parse makes it: the prototype-pollution payload.
    JSON.parse('{"__proto__": {"polluted": true}}'),
  ]

  type Json = unknown
  type Path = (string | number)[]

  /** Every path to a value inside a body (the root excluded). */
  const pathsOf = (value: Json, prefix: Path = [], out: Path[] = []): Path[] => {
    const entries: [string | number, Json][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : value !== null && typeof value === 'object'
        ? Object.entries(value)
        : []
    for (const [k, v] of entries) {
      out.push([...prefix, k])
      pathsOf(v, [...prefix, k], out)
    }
    return out
  }

  interface Mutation {
    at: number
    kind: 'replace' | 'delete' | 'add'
    value: Json
  }

  const mutate = (body: Json, mutations: Mutation[]): Json => {
    const copy = JSON.parse(JSON.stringify(body ?? {})) as Json
    for (const m of mutations) {
      const paths = pathsOf(copy)
      if (paths.length === 0) return JSON.parse(JSON.stringify(m.value)) as Json
      const path = paths[m.at % paths.length]!
      const parent = path
        .slice(0, -1)
        .reduce<Json>((v, k) => (v as Record<string, Json>)[k as string], copy) as Record<
        string | number,
        Json
      >
      const key = path[path.length - 1]!
      // A copy of the value: the edge values are shared, and a later mutation must not reach into them.
      const value = m.value === undefined ? undefined : (JSON.parse(JSON.stringify(m.value)) as Json)
      if (m.kind === 'replace') parent[key] = value
      else if (m.kind === 'delete') {
        if (Array.isArray(parent)) parent.splice(key as number, 1)
        else delete parent[key]
      } else if (!Array.isArray(parent)) parent[`unexpected${String(key)}`] = value
    }
    return copy
  }

  const mutation: fc.Arbitrary<Mutation> = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('replace' as const, 'delete' as const, 'add' as const),
    value: fc.oneof(
      { arbitrary: fc.constantFrom(...EDGE_VALUES), weight: 3 },
      { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
    ),
  })

  const allPosts = operations.filter((o) => o.method === 'post' || o.method === 'put')
  const storing = (id: string) => Object.values(STORING).some((routes) => routes.has(id))
  const posts = allPosts.filter((o) =>
    half === 'stateless' ? !storing(o.operationId) : STORING[half].has(o.operationId),
  )

  if (half === 'stateless')
    t.test('every POST and PUT route is fuzzed', async (t) => {
      t.ok(
        allPosts.length >= 9,
        `${allPosts.length} routes: ${allPosts.map((o) => o.operationId).join(', ')}`,
      )
      t.same(
        allPosts.filter((o) => !(o.operationId in VALID_BODIES)).map((o) => o.operationId),
        [],
        'routes without valid bodies to mutate: add them to test/helpers/requests.ts',
      )
    })

  for (const op of posts) {
    const schema = requestBodySchema(op.path, op.method)
    // A route without a request body ignores whatever is sent: its runs differ only in the ignored
    // bytes, so a tenth of them is as good a check that none of those bytes breaks it.
    const runs = op.hasBody ? FUZZ_RUNS : Math.max(1, Math.ceil(FUZZ_RUNS / 10))
    t.test(
      `${op.method.toUpperCase()} ${op.path}: ${runs} bodies, no 5xx, answers as documented`,
      async (t) => {
        const valid = VALID_BODIES[op.operationId]!(ENTERPRISE_A)
        const seeds: Json[] =
          op.operationId === 'evaluateApplication'
            ? EXAMPLES.map((e) => e.body)
            : op.operationId === 'submitApplication' ||
                op.operationId === 'correctDecision' ||
                op.operationId === 'uploadBatch'
              ? [
                  (op.operationId === 'uploadBatch' ? applicationOf() : valid) ?? {},
                  ...EXAMPLES.map((e) =>
                    op.operationId === 'correctDecision'
                      ? { reason: 'fuzz', facts: e.body.application }
                      : e.body.application,
                  ),
                ]
              : [valid ?? {}]
        const body = fc.oneof(
          { arbitrary: schema ? arbitraryOf(schema) : fc.jsonValue({ maxDepth: 2 }), weight: 4 },
          {
            arbitrary: fc
              .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 3 }))
              .map(([seed, ms]) => mutate(seed, ms)),
            weight: 5,
          },
          { arbitrary: fc.constantFrom(...seeds), weight: 1 },
          { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
        )
        const statuses = new Map<number, number>()
        await fc.assert(
          fc.asyncProperty(body, async (payload) => {
            const key = KEY_FOR[op.operationId]
            // A batch takes JSON Lines: the fuzzed value is its one line.
            const batch = op.operationId === 'uploadBatch'
            const url = batch
              ? `${op.path}?mode=dry-run`
              : op.path
                  .replace('{id}', currentDecision)
                  .replace('{year}', '2015')
                  .replace('{measure}', 'interest-subsidy')
                  .replace('{prefecture}', 'qujing')
            const res = await app.inject({
              method: op.method === 'put' ? 'PUT' : 'POST',
              url,
              headers: {
                'content-type': batch ? 'application/jsonl' : 'application/json',
                ...(key ? bearer(key) : {}),
                ...(op.idempotent ? { 'idempotency-key': randomUUID() } : {}),
              },
              payload:
                JSON.stringify(batch ? [payload] : payload)?.slice(batch ? 1 : 0, batch ? -1 : undefined) ??
                'null',
            })
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
            if (op.operationId === 'correctDecision' && res.statusCode === 201) {
              currentDecision = (res.json() as { decisions: { id: string }[] }).decisions[0]!.id
            }
            if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body.slice(0, 500)}`)
            const wrong = responseProblem(op, res.statusCode, res.headers['content-type'] as string, res.body)
            if (wrong) throw new Error(`${res.statusCode} not as documented: ${wrong}`)
          }),
          { numRuns: runs },
        )
        const summary = [...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')
        t.comment(`${op.operationId}: ${runs} runs: ${summary}`)
        t.equal(
          [...statuses.values()].reduce((a, b) => a + b, 0),
          runs,
          'every run sent a request',
        )
        // A fuzzer that never gets past validation tests only the validator. Retry and cancel take no
        // body and their {id} here is a decision's, never a batch's: it checks that the ignored bytes
        // break nothing and that an unknown batch is a documented 404; test/routes/batches-retry.test.ts
        // and batches-cancel.test.ts retry and cancel real batches.
        if (op.operationId !== 'retryBatch' && op.operationId !== 'cancelBatch')
          t.ok(
            [...statuses.keys()].some((s) => s < 300),
            `some bodies were accepted (${summary})`,
          )
        else t.ok(statuses.has(404), `an unknown batch is 404 (${summary})`)
        // A route that takes no body (replay) ignores one: nothing to refuse.
        if (schema)
          t.ok(
            [...statuses.keys()].some((s) => s >= 400),
            `some bodies were refused (${summary})`,
          )
      },
    )
  }
}
