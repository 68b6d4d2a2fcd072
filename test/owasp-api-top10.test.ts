// OWASP API Security Top 10 (2023) as a matrix: one row per operation of the committed OpenAPI
// document × caller (anonymous, a bad key, each role), plus the rows each risk needs:
//   API1 BOLA            enterprise A's key on enterprise B's application, decision, ledger → 404
//   API2 authentication  no key on a secured operation, a malformed or unknown key anywhere → 401
//   API3 mass assignment an unknown property in a body, or an unknown query parameter → 400
//   API4 resources       a body over 1 MiB → 413; past the rate limit → 429 with Retry-After
//   API5 function level  a role the operation is not for → 403
// Every answer must also be one the document declares, with a body valid against its schema.
// A new operation without a row in ROLES (or a path value in PATH_VALUES) fails here.

import { randomUUID } from 'node:crypto'
import type { FastifyInstance, InjectOptions } from 'fastify'
import t, { type Test } from 'tap'
import { buildApp } from '../src/app.ts'
import type { InProcessQueue } from '../src/batches/queue.ts'
import { createApiKey } from '../src/db/keys-repository.ts'
import { testApp } from './helpers/app.ts'
import { testDatabase } from './helpers/database.ts'
import { bearer, ENTERPRISE_A, ENTERPRISE_B, keysFor } from './helpers/fixtures.ts'
import { type Operation, operations, responseProblem, undeclaredHeaders } from './helpers/openapi.ts'
import { applicationOf, VALID_BODIES } from './helpers/requests.ts'

type Role = 'enterprise' | 'finance' | 'auditor' | 'admin'
const ALL: Role[] = ['enterprise', 'finance', 'auditor', 'admin']

/** Who may call each operation: 'public' needs no key (any valid key is accepted too). */
const ROLES: Record<string, 'public' | Role[]> = {
  getLiveness: 'public',
  getReadiness: 'public',
  evaluateApplication: 'public',
  listMeasures: 'public',
  getMeasure: 'public',
  listParameters: 'public',
  getParameter: 'public',
  computeLandDevelopmentFund: 'public',
  computeParkTaxRetention: 'public',
  computeFundConcentration: 'public',
  listIndicators: 'public',
  computeIndicatorProgress: 'public',
  submitApplication: ['enterprise', 'finance'],
  listApplications: ['enterprise', 'finance', 'auditor'],
  getApplication: ['enterprise', 'finance', 'auditor'],
  getDecision: ['enterprise', 'finance', 'auditor'],
  getEnterpriseLedger: ['enterprise', 'finance', 'auditor'],
  replayDecision: ['enterprise', 'finance', 'auditor'],
  correctDecision: ['finance'],
  createApiKey: ['admin'],
  listApiKeys: ['admin'],
  revokeApiKey: ['admin'],
  getApiKey: ['auditor', 'finance', 'admin'],
  listReasons: 'public',
  listPrefectures: 'public',
  getProblemType: 'public',
  getCurrentApiKey: ALL,
  listAuditEntries: ['auditor', 'finance'],
  getAuditCheckpoint: ['auditor', 'finance'],
  verifyAuditLog: ['auditor', 'finance'],
  setBudget: ['finance'],
  setPrefectureBudget: ['finance'],
  listBudgets: ['finance', 'auditor'],
  getBudget: ['finance', 'auditor'],
  getPrefectureBudget: ['finance', 'auditor'],
  uploadBatch: ['finance'],
  retryBatch: ['finance'],
  cancelBatch: ['finance'],
  getBatchTemplateCsv: ['finance'],
  getBatchTemplateXlsx: ['finance'],
  getBatch: ['finance', 'auditor'],
  listBatches: ['finance', 'auditor'],
  getBatchResults: ['finance', 'auditor'],
  getGrantReport: ['finance', 'auditor'],
  getFundConcentrationFromDisbursements: ['finance', 'auditor'],
}

const database = await testDatabase(t)
const app = await testApp(t, database)
const keys = await keysFor(database)
const keyOf: Record<Role, string> = {
  enterprise: keys.enterpriseA,
  finance: keys.finance,
  auditor: keys.auditor,
  admin: keys.admin,
}

// Enterprise B's stored application and decision: what A must not see.
const submitted = await app.inject({
  method: 'POST',
  url: '/v1/applications',
  headers: { ...bearer(keys.enterpriseB), 'idempotency-key': randomUUID() },
  payload: applicationOf(ENTERPRISE_B) as object,
})
if (submitted.statusCode !== 201) throw new Error(`setup: ${submitted.statusCode} ${submitted.body}`)
const applicationB = submitted.json() as { id: string; decisions: { id: string }[] }
const spareKey = (
  await database.db
    .transaction()
    .execute((trx) => createApiKey(trx, { role: 'auditor', label: 'to revoke' }, 'system'))
).record.id

// A batch (a dry run of B's application): what {id} of /v1/batches names.
const uploaded = await app.inject({
  method: 'POST',
  url: '/v1/batches?mode=dry-run',
  headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
  payload: JSON.stringify(applicationOf(ENTERPRISE_B)),
})
if (uploaded.statusCode !== 202) throw new Error(`setup: ${uploaded.statusCode} ${uploaded.body}`)
const batchId = (uploaded.json() as { id: string }).id

/** The value of each path parameter: B's resources, so that A's key meets them as BOLA targets. */
const pathOf = (op: Operation): string =>
  op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (op.path.startsWith('/v1/applications/')) return applicationB.id
    if (op.path.startsWith('/v1/decisions/')) return applicationB.decisions[0]!.id
    if (op.path.startsWith('/v1/keys/')) return spareKey
    if (op.path.startsWith('/v1/batches/')) return batchId
    if (op.path.startsWith('/v1/measures/')) return 'interest-subsidy'
    if (op.path.startsWith('/v1/parameters/')) return 'interestSubsidy.rate'
    if (op.path.startsWith('/problems/')) return 'validation-error'
    if (name === 'creditCode') return ENTERPRISE_B
    if (name === 'year') return '2015'
    if (name === 'measure') return 'interest-subsidy'
    if (name === 'prefecture') return 'qujing'
    throw new Error(`no value for {${name}} in ${op.path}: add one to the matrix`)
  })

/** Required query parameters, by operation: a valid request needs them. */
const REQUIRED_QUERY: Record<string, string> = {
  getFundConcentrationFromDisbursements: '?year=2015',
}

/** Operations whose path names an enterprise's resource (API1 rows). */
const enterpriseScoped = (op: Operation) =>
  /^\/v1\/(applications|decisions)\/\{id\}/.test(op.path) || op.path.includes('{creditCode}')

let address = 0
/** A client address of its own, so one row's failed keys or requests count against no other row. */
const freshAddress = () => `10.9.${(++address >> 8) & 255}.${address & 255}`

const request = (op: Operation, headers: Record<string, string>, body?: unknown): InjectOptions => ({
  method: op.method.toUpperCase() as InjectOptions['method'],
  // A batch upload names its mode; its body is a file (JSON Lines), not JSON.
  url:
    op.operationId === 'uploadBatch'
      ? `${pathOf(op)}?mode=dry-run`
      : pathOf(op) + (REQUIRED_QUERY[op.operationId] ?? ''),
  remoteAddress: freshAddress(),
  headers: {
    ...(op.idempotent ? { 'idempotency-key': randomUUID() } : {}),
    ...(typeof body === 'string' ? { 'content-type': 'application/jsonl' } : {}),
    ...headers,
  },
  ...(body === undefined ? {} : { payload: body as object }),
})

/** Bodies name enterprise A: the enterprise key of the matrix is A's. */
const bodyFor = (op: Operation) => (op.hasBody ? VALID_BODIES[op.operationId]!(ENTERPRISE_A) : undefined)

const send = async (t: Test, target: FastifyInstance, op: Operation, options: InjectOptions) => {
  const res = await target.inject(options)
  const wrong = responseProblem(op, res.statusCode, res.headers['content-type'] as string, res.body)
  t.equal(wrong, null, `${res.statusCode} is declared and its body valid against the document`)
  t.same(undeclaredHeaders(op, res.statusCode, res.headers), [], 'its headers are declared')
  t.ok(res.statusCode < 500, `no 5xx (${res.statusCode})`)
  return res
}

t.test('every operation has a row', async (t) => {
  t.same(
    operations.map((o) => o.operationId).filter((id) => ROLES[id] === undefined),
    [],
    'operations of the document without a row in ROLES',
  )
  t.ok(operations.length >= 24)
})

let rows = 0
for (const op of operations) {
  const allowed = ROLES[op.operationId]
  if (allowed === undefined) continue
  const label = `${op.method.toUpperCase()} ${op.path} (${op.operationId})`

  t.test(label, async (t) => {
    t.test('API2: no key', async (t) => {
      rows++
      const res = await send(t, app, op, request(op, {}, bodyFor(op)))
      if (allowed === 'public') t.not(res.statusCode, 401)
      else {
        t.equal(res.statusCode, 401)
        t.equal(res.headers['www-authenticate'], 'Bearer realm="incentives"', 'the challenge, no error')
      }
    })

    for (const [name, value] of [
      ['malformed', 'Bearer not-a-key'],
      ['unknown', `Bearer yik_${'0'.repeat(16)}_${'A'.repeat(43)}`],
    ] as const) {
      t.test(`API2: a ${name} key`, async (t) => {
        rows++
        const res = await send(t, app, op, request(op, { authorization: value }, bodyFor(op)))
        t.equal(res.statusCode, 401)
        // RFC 6750 §3.1: a key presented and refused is an invalid token
        t.equal(res.headers['www-authenticate'], 'Bearer realm="incentives", error="invalid_token"')
      })
    }

    for (const role of ALL) {
      const may = allowed === 'public' || allowed.includes(role)
      t.test(`API5: role ${role} ${may ? 'may' : 'may not'} call it`, async (t) => {
        rows++
        const res = await send(t, app, op, request(op, bearer(keyOf[role]), bodyFor(op)))
        if (may) {
          t.not(res.statusCode, 401)
          t.not(res.statusCode, 403)
          // The enterprise key is A's and path values are B's: A meets them as 404 (API1 below).
          if (!(role === 'enterprise' && enterpriseScoped(op)))
            t.ok(
              res.statusCode < 400 || res.statusCode === 409,
              `${res.statusCode} ${res.body.slice(0, 200)}`,
            )
        } else t.equal(res.statusCode, 403)
      })
    }

    if (enterpriseScoped(op) && allowed !== 'public' && allowed.includes('enterprise')) {
      t.test("API1: enterprise A's key on enterprise B's resource", async (t) => {
        rows++
        const res = await send(t, app, op, request(op, bearer(keys.enterpriseA), bodyFor(op)))
        t.equal(res.statusCode, 404)
        const own = await app.inject(request(op, bearer(keys.enterpriseB), bodyFor(op)))
        t.ok(own.statusCode < 400 || own.statusCode === 409, `B itself is answered (${own.statusCode})`)
      })
    }

    const caller = allowed === 'public' ? {} : bearer(keyOf[allowed[0]!])
    if (op.hasBody) {
      t.test('API3: an unknown property is refused, not dropped', async (t) => {
        rows++
        const valid = bodyFor(op)
        if (typeof valid === 'string') {
          // A batch file: the row with the unknown property is refused (a row error), not dropped.
          const line = JSON.stringify({ ...JSON.parse(valid), isAdmin: true })
          const res = await send(t, app, op, request(op, caller, line))
          t.equal(res.statusCode, 202)
          await (app.batchQueue as InProcessQueue).idle()
          const batch = await app.inject({ url: res.headers.location as string, headers: caller })
          t.match(batch.json(), { rows: { failed: 1 }, errors: [{ row: 1, pointer: '/isAdmin' }] })
          return
        }
        const body = { ...(valid as object), isAdmin: true }
        const res = await send(t, app, op, request(op, caller, body))
        t.equal(res.statusCode, 400)
        // In Chinese, the default language (test/plugins/language.test.ts has both).
        t.match(res.json().errors, [{ pointer: '#/isAdmin', detail: '不是已知的属性' }])
      })

      t.test('API4: a body over 1 MiB', async (t) => {
        rows++
        const body = JSON.stringify({ padding: 'x'.repeat(1_100_000) })
        const res = await send(t, app, op, {
          ...request(op, caller),
          payload: body,
          headers: { ...request(op, caller).headers, 'content-type': 'application/json' },
        })
        t.equal(res.statusCode, 413)
      })
    }
    if (op.query) {
      t.test('API3: an unknown query parameter is refused', async (t) => {
        rows++
        const options = request(op, caller, bodyFor(op))
        const res = await send(t, app, op, { ...options, url: `${options.url}?role=admin` })
        t.equal(res.statusCode, 400)
      })
    }
  })
}

t.test('API1: listing another enterprise’s applications gives nothing of theirs', async (t) => {
  const res = await app.inject({
    url: `/v1/applications?enterprise=${ENTERPRISE_B}`,
    headers: bearer(keys.enterpriseA),
  })
  t.equal(res.statusCode, 200)
  t.same(res.json().items, [])
})

t.test('API4: past the rate limit, 429 with Retry-After and RateLimit headers', async (t) => {
  const limited = await buildApp({
    database,
    limits: { rateLimitPerKey: 2, rateLimitAnonymous: 2, rateLimitAuthFailures: 3 },
  })
  t.teardown(() => limited.close())
  for (const op of operations) {
    const allowed = ROLES[op.operationId]!
    t.test(op.operationId, async (t) => {
      rows++
      // A key of its own (or an address of its own), so that every operation starts from zero.
      const role = allowed === 'public' ? null : allowed[0]!
      const key = role
        ? (
            await database.db
              .transaction()
              .execute((trx) =>
                createApiKey(
                  trx,
                  { role, enterprise: role === 'enterprise' ? ENTERPRISE_A : null },
                  'system',
                ),
              )
          ).key
        : null
      const remoteAddress = freshAddress()
      const once = () =>
        limited.inject({
          ...request(op, key ? bearer(key) : {}, bodyFor(op)),
          remoteAddress,
        })
      const statuses = [(await once()).statusCode, (await once()).statusCode]
      const third = await once()
      if (op.path.startsWith('/health/')) {
        t.not(third.statusCode, 429, 'probes are never limited')
        return
      }
      t.notOk(statuses.includes(429), `the first two pass the limiter (${statuses})`)
      t.equal(third.statusCode, 429)
      t.match(third.headers['retry-after'], /^\d+$/)
      t.equal(third.headers['ratelimit-limit'], '2')
      t.equal(third.headers['ratelimit-remaining'], '0')
      t.match(third.headers['content-type'], /^application\/problem\+json/)
      t.equal(responseProblem(op, 429, third.headers['content-type'] as string, third.body), null)
    })
  }

  t.test('guessing keys: past RATE_LIMIT_AUTH_FAILURES, 429 even for a valid key', async (t) => {
    const remoteAddress = freshAddress()
    const guess = (authorization: string) =>
      limited.inject({ url: '/v1/measures', remoteAddress, headers: { authorization } })
    const guesses = []
    for (let i = 0; i < 4; i++)
      guesses.push((await guess(`Bearer yik_${String(i).padStart(16, '0')}_${'B'.repeat(43)}`)).statusCode)
    t.same(guesses, [401, 401, 401, 429])
    const valid = await guess(`Bearer ${keys.finance}`)
    t.equal(valid.statusCode, 429, 'the right key no longer tells a guesser it is right')
    t.match(valid.headers['retry-after'], /^\d+$/)
    const elsewhere = await limited.inject({
      url: '/v1/measures',
      remoteAddress: freshAddress(),
      headers: bearer(keys.finance),
    })
    t.equal(elsewhere.statusCode, 200, 'another address is not affected')
  })
})

t.test('matrix size', async (t) => {
  t.ok(rows >= 200, `${rows} rows over ${operations.length} operations`)
  t.comment(`OWASP matrix: ${rows} rows over ${operations.length} operations`)
})
