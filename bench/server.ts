// The server under test, run by bench/run.ts in a child process (node --import tsx bench/server.ts)
// so that autocannon, in the parent, does not share its event loop. It is the real app (buildApp)
// plus two bench-only routes registered on the same instance:
// - POST /bench/plumbing: the same body schema (EvaluationRequest) and response schema (Evaluation)
//   as POST /v1/evaluations, answering a precomputed evaluation of the benchmark body: everything
//   Fastify does (parsing, Ajv validation, hooks, fast-json-stringify) but the engine;
// - GET /bench/hello: a trivial route, the floor of a request.
// BENCH_DATABASE_URL selects a PostgreSQL database (else a handle without a database: only the
// stateless routes work); BENCH_POOL_SIZE its pool size; DATABASE_STORE_GROUP as the service reads it. The port is sent to the parent over IPC.

import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { type DatabaseHandle, openPostgres } from '../src/db/database.ts'
import { setStoreGroup } from '../src/db/store-groups.ts'
import { unavailableDatabase } from '../src/db/unavailable.ts'
import { evaluate } from '../src/engine/evaluate.ts'
import { withConsequenceTexts } from '../src/i18n/consequences.ts'
import { DEFAULT_LANGUAGE } from '../src/i18n/language.ts'
import { jsonBytesCompiler } from '../src/routes/json-bytes.ts'
import { Evaluation, EvaluationRequest } from '../src/schemas/evaluation.ts'
import { FULL_REQUEST } from './application.ts'

export type ServerMessage =
  | { port: number; database: 'postgres' | 'none' }
  | { error: string }
  | { cpuMicroseconds: number }

const url = process.env['BENCH_DATABASE_URL'] || null
const poolSize = Number(process.env['BENCH_POOL_SIZE'] || '10')

const main = async (): Promise<void> => {
  const database: DatabaseHandle = url ? openPostgres(url, poolSize) : unavailableDatabase()
  setStoreGroup(database.db, loadConfig(process.env).storeGroup)
  // One client making tens of thousands of requests is exactly what the rate limits stop: they
  // are turned off (0) here to measure the service, not the limiter.
  const app = await buildApp({
    database,
    limits: { rateLimitPerKey: 0, rateLimitAnonymous: 0, rateLimitAuthFailures: 0 },
  })

  // The answer of POST /v1/evaluations?explain=full to the bench body, computed once as the route
  // computes it: in the default language (the bench sends no Accept-Language), with the gates'
  // consequences in words. bench/run.ts checks the bytes are the route's.
  const precomputed = withConsequenceTexts(evaluate(FULL_REQUEST.application, {}, DEFAULT_LANGUAGE))
  // The plumbing ceiling of POST /v1/evaluations?explain=full: same body schema, same response
  // bytes, same serializer (JSON.stringify sent as bytes, src/routes/json-bytes.ts, as the route), no engine.
  app.post(
    '/bench/plumbing',
    {
      schema: { body: EvaluationRequest, response: { 200: Evaluation } },
      serializerCompiler: jsonBytesCompiler,
    },
    async () => precomputed,
  )
  // The same with Fastify's compiled serializer for the Evaluation schema: which one the routes use
  // is decided by this pair (BENCHMARKS.md).
  app.post(
    '/bench/plumbing-compiled',
    { schema: { body: EvaluationRequest, response: { 200: Evaluation } } },
    async () => precomputed,
  )
  app.get('/bench/hello', async () => ({ hello: 'world' }))
  // The same stack writing one row: Fastify, the JSON body, the service's pool, one INSERT of the
  // facts into a jsonb column. The baseline POST /v1/applications is compared with.
  app.post('/bench/insert', async (request, reply) => {
    await sql`insert into bench_baseline (doc) values (${JSON.stringify(request.body)}::jsonb)`.execute(
      database.db,
    )
    return reply.code(201).send({ stored: true })
  })

  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await app.close()
    await database.close()
    process.exit(0)
  }
  process.on('message', (message) => {
    if (message === 'stop') void stop()
    // The server's CPU time so far (user + system), so the parent can divide a load test's share
    // by its requests: CPU per request is steadier than req/s on a shared machine.
    if (message === 'cpu') {
      const used = process.cpuUsage()
      process.send?.({ cpuMicroseconds: used.user + used.system } satisfies ServerMessage)
    }
  })
  // The parent died or closed the channel: do not linger.
  process.on('disconnect', () => void stop())
  process.send?.({ port, database: url ? 'postgres' : 'none' } satisfies ServerMessage)
}

main().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? error.message : String(error) } satisfies ServerMessage)
  process.exit(1)
})
