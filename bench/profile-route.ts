// Profiling harness for one HTTP route under load, as sections 2–4 of `npm run bench` load it:
// `npx tsx bench/profile-route.ts [summary|full|plumbing|live] [seconds]` runs bench/server.ts with
// `npm start`'s node flags plus `--cpu-prof`, pinned to CPU 0 with autocannon (50 connections) on the
// other cores, loads the route for 2 s of warm-up and then for the given seconds (default 10), stops
// the server so the profile is written (dist/profile/*.cpuprofile, for Chrome's DevTools) and prints
// the functions with the most self time, each with its source file and line. The profile covers the
// server's whole life (start-up and warm-up too: a few % at the top are module loading).
// The server runs as one esbuild bundle of the project's code (dist/profile/server.mjs, packages left
// outside): under tsx every module is compiled onto one line, so a profile could not tell two
// functions of one file apart; in the bundle each function has its own line, and the comment esbuild
// puts before each module's code names the source file.

import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { build } from 'esbuild'
import { loadConfig } from '../src/config.ts'
import { FULL_REQUEST } from './application.ts'
import { PIN } from './pin.ts'
import { pinForLoad, startServer } from './server-child.ts'
import { topShares } from './stats.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
// two levels below the root, as src/*/ is: the bundle finds migrations/ and console/ where they are
const PROFILE_DIR = join(ROOT, 'dist', 'profile')
const BUNDLE = join(PROFILE_DIR, 'server.mjs')
const TOP = 40
const ROUTES: Record<string, { method: 'GET' | 'POST'; path: string }> = {
  summary: { method: 'POST', path: '/v1/evaluations' },
  full: { method: 'POST', path: '/v1/evaluations?explain=full' },
  plumbing: { method: 'POST', path: '/bench/plumbing' },
  live: { method: 'GET', path: '/health/live' },
}
const name = process.argv[2] ?? 'summary'
const route = ROUTES[name]
if (!route) throw new Error(`route: one of ${Object.keys(ROUTES).join(', ')}`)
const seconds = Number(process.argv[3] ?? 10)

rmSync(PROFILE_DIR, { recursive: true, force: true })
await build({
  entryPoints: [join(ROOT, 'bench', 'server.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile: BUNDLE,
  logLevel: 'warning',
})
const server = await startServer({
  databaseUrl: null,
  poolSize: loadConfig(process.env).poolSize,
  entry: BUNDLE,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`],
})
pinForLoad(server)
const load = (duration: number) =>
  autocannon({
    url: `${server.url}${route.path}`,
    method: route.method,
    connections: 50,
    duration,
    ...(route.method === 'POST'
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(FULL_REQUEST) }
      : {}),
  })
await load(2)
const result = await load(seconds)
process.stdout.write(
  `${name}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
    `${result.non2xx} non-2xx${PIN ? '' : ' (not pinned)'}\n`,
)
await server.stop()

/** The source file of each line of the bundle: esbuild opens each module's code with `// <path>`. */
const bundleLines = readFileSync(BUNDLE, 'utf8').split('\n')
const fileOfLine: string[] = []
let file = '?'
for (const line of bundleLines) {
  const marker = /^\/\/ ((?:src|bench|test|examples)\/\S+)$/.exec(line)
  if (marker) file = marker[1]!
  fileOfLine.push(file)
}
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
// the main thread's profile: the largest (the module loader's thread writes one too)
const profileFile = readdirSync(PROFILE_DIR)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort((a, b) => statSync(join(PROFILE_DIR, b)).size - statSync(join(PROFILE_DIR, a)).size)[0]!
const profile = JSON.parse(readFileSync(join(PROFILE_DIR, profileFile), 'utf8')) as {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}
const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
const selfTime = new Map<string, number>()
let total = 0
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame
  const where = url.endsWith('/server.mjs')
    ? `${fileOfLine[lineNumber] ?? '?'} (bundle line ${lineNumber + 1})`
    : url.replace(/^.*node_modules\//, '')
  const key = `${functionName || '(anonymous)'}  ${where}`
  const dt = profile.timeDeltas[i] ?? 0
  selfTime.set(key, (selfTime.get(key) ?? 0) + dt)
  total += dt
})
process.stdout.write(
  `self time, top ${TOP} (${(total / 1e6).toFixed(1)} s sampled):\n${topShares(selfTime, TOP)}`,
)
process.stdout.write(`profile: ${join(PROFILE_DIR, profileFile)}\n`)
