// Where a POST /v1/evaluations request's CPU goes, in process (npx tsx bench/request-split.ts):
// the route's own work called directly (the engine: decide + summary, or decide + full render)
// against whole requests through app.inject (Fastify, hooks, body parsing and validation,
// serialization; no sockets) for the summary, the full trace, the plumbing route (the full trace
// precomputed) and GET /health/live. CPU time per call, best of 4 rounds after one warm-up round,
// so other work on the machine moves it less than a rate would. Run it on two branches, in
// alternate runs, to compare them. The last line isolates the engine inside a request (two bench
// routes with the same body schema, with and without it): it costs more than in a hot loop.

import { Type } from 'typebox'
import { buildApp } from '../src/app.ts'
import { unavailableDatabase } from '../src/db/unavailable.ts'
import { decideCompact } from '../src/engine/decide.ts'
import { evaluate } from '../src/engine/evaluate.ts'
import { DEFAULT_PARAMETERS } from '../src/engine/parameters/index.ts'
import { summarizeEvaluation } from '../src/engine/render.ts'
import { withConsequenceTexts } from '../src/i18n/consequences.ts'
import { DEFAULT_LANGUAGE } from '../src/i18n/language.ts'
import { jsonBytesCompiler } from '../src/routes/json-bytes.ts'
import { Evaluation, EvaluationRequest } from '../src/schemas/evaluation.ts'
import { FULL_REQUEST } from './application.ts'

const ROUNDS = 5
const application = FULL_REQUEST.application
const options = () => ({ parameters: DEFAULT_PARAMETERS.withOverrides({}) })
const direct: Record<string, () => unknown> = {
  'engine: decide + summary': () =>
    withConsequenceTexts(summarizeEvaluation(decideCompact(application, options()))),
  'engine: decide + full render': () =>
    withConsequenceTexts(evaluate(application, options(), DEFAULT_LANGUAGE)),
}

const app = await buildApp({
  database: unavailableDatabase(),
  limits: { rateLimitPerKey: 0, rateLimitAnonymous: 0, rateLimitAuthFailures: 0 },
})
const precomputed = withConsequenceTexts(evaluate(application, options(), DEFAULT_LANGUAGE))
app.post(
  '/bench/plumbing',
  {
    schema: { body: EvaluationRequest, response: { 200: Evaluation } },
    serializerCompiler: jsonBytesCompiler,
  },
  async () => precomputed,
)
// The engine's cost inside a request, which is not its cost in a hot loop: two routes with the same
// body schema answering `{}`, one of them running decide + summary on the body. Their difference is
// what the engine costs when Fastify's work runs between two evaluations (caches, GC), the figure to
// hold the summary route against.
const Empty = Type.Object({}, { additionalProperties: false })
app.post(
  '/bench/body-only',
  { schema: { body: EvaluationRequest, response: { 200: Empty } } },
  async () => ({}),
)
app.post(
  '/bench/engine-only',
  { schema: { body: EvaluationRequest, response: { 200: Empty } } },
  async (request) => {
    withConsequenceTexts(
      summarizeEvaluation(decideCompact((request.body as typeof FULL_REQUEST).application, options())),
    )
    return {}
  },
)
await app.ready()
const payload = JSON.stringify(FULL_REQUEST)
const headers = { 'content-type': 'application/json' }
const injected = {
  'GET /health/live': { method: 'GET' as const, url: '/health/live' },
  'POST /v1/evaluations (summary)': { method: 'POST' as const, url: '/v1/evaluations', headers, payload },
  'POST /v1/evaluations?explain=full': {
    method: 'POST' as const,
    url: '/v1/evaluations?explain=full',
    headers,
    payload,
  },
  'POST /bench/plumbing': { method: 'POST' as const, url: '/bench/plumbing', headers, payload },
  'POST /bench/body-only': { method: 'POST' as const, url: '/bench/body-only', headers, payload },
  'POST /bench/engine-only': { method: 'POST' as const, url: '/bench/engine-only', headers, payload },
}

const cpuPerCall = async (calls: number, run: () => unknown): Promise<number> => {
  const start = process.cpuUsage()
  for (let i = 0; i < calls; i++) await run()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / calls
}

const best: Record<string, number> = {}
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(direct)) {
    const us = await cpuPerCall(300, run)
    if (round > 0) best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, us)
  }
  for (const [name, request] of Object.entries(injected)) {
    const us = await cpuPerCall(name.startsWith('GET') ? 2000 : 300, () => app.inject(request))
    if (round > 0) best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, us)
  }
}
await app.close()
for (const [name, us] of Object.entries(best))
  process.stdout.write(`${name.padEnd(36)} ${us.toFixed(0)} µs CPU\n`)
const inRequest = best['POST /bench/engine-only']! - best['POST /bench/body-only']!
process.stdout.write(
  `${'engine inside a request (difference)'.padEnd(36)} ${inRequest.toFixed(0)} µs CPU` +
    ` (${(inRequest / best['engine: decide + summary']!).toFixed(1)}× its hot-loop figure)\n`,
)
