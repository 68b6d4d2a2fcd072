// `npm run bench:engine`: section 1 of bench/run.ts alone, in a few seconds — evaluations per second
// of the engine in process (decideCompact and evaluate, 12 measures and one), for engine work.
//
// BENCH_BASELINE=<dir> also loads <dir>/src/engine/evaluate.ts (e.g. main's engine, extracted with
// `git archive main src/engine tsconfig.json package.json | tar -x -C <dir>`: without the tsconfig,
// tsx compiles the classes otherwise and the baseline runs slower) and times it in alternating
// rounds with this checkout's, in the same process: on a shared, loaded machine only ratios within
// one run compare. Two copies of the same engine measure about 1.0 (0.97–1.05 on a loaded machine).
// BENCH_ENGINE_SECONDS (default 6) is the CPU time per variant, split in rounds; the best round counts.

import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Application, MeasureId } from '../src/engine/types.ts'
import { FULL_APPLICATION } from './application.ts'
import { MEASURING_CORE, PIN, pin } from './pin.ts'

type Engine = typeof import('../src/engine/evaluate.ts')

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SECONDS = Number(process.env.BENCH_ENGINE_SECONDS ?? 6)
const ONE = JSON.parse(readFileSync(join(ROOT, 'examples', 'interest-subsidy.json'), 'utf8')) as {
  application: Application
  measures: MeasureId[]
}
const oneOptions = { measures: ONE.measures }

const load = async (dir: string): Promise<Engine> =>
  (await import(pathToFileURL(resolve(dir, 'src', 'engine', 'evaluate.ts')).href)) as Engine

const engines: Record<string, Engine> = { this: await load(ROOT) }
if (process.env.BENCH_BASELINE) engines.base = await load(process.env.BENCH_BASELINE)

let sink = 0
const variants: Record<string, () => void> = {}
for (const [name, e] of Object.entries(engines)) {
  // Same output, or the comparison means nothing.
  const json = JSON.stringify(e.decideCompact(FULL_APPLICATION))
  if (json !== JSON.stringify(engines.this!.decideCompact(FULL_APPLICATION)))
    throw new Error(`${name}: the compact record differs from this checkout's`)
  if (
    JSON.stringify(e.evaluate(FULL_APPLICATION)) !== JSON.stringify(engines.this!.evaluate(FULL_APPLICATION))
  )
    throw new Error(`${name}: the rendered evaluation differs from this checkout's`)
  variants[`${name} compact`] = () => {
    sink += e.decideCompact(FULL_APPLICATION).outcomes.length
  }
  variants[`${name} one compact`] = () => {
    sink += e.decideCompact(ONE.application, oneOptions).outcomes.length
  }
  variants[`${name} full`] = () => {
    sink += e.evaluate(FULL_APPLICATION).outcomes.length
  }
}

// On one core, every thread (bench/pin.ts: the cores here are not equally fast at every moment).
if (PIN) pin(process.pid, MEASURING_CORE)
console.log(PIN ? `pinned to CPU ${MEASURING_CORE} (BENCH_PIN=0 to turn off)` : 'not pinned')

const warmUntil = process.hrtime.bigint() + 2_000_000_000n
while (process.hrtime.bigint() < warmUntil) for (const run of Object.values(variants)) run()

// Per CPU second of this process (user + system, GC threads included), not per wall-clock second:
// on a loaded machine the wall clock also counts the time other processes held the core. Many short
// rounds, alternating the variants; the best round of each counts.
const ROUNDS = 9
const best: Record<string, number> = {}
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
for (let round = 0; round < ROUNDS; round++) {
  // every other round in reverse order, so no variant always follows the same one
  const order = round % 2 === 0 ? Object.entries(variants) : Object.entries(variants).reverse()
  for (const [name, run] of order) {
    let iterations = 0
    const start = cpu()
    const until = start + SECONDS / ROUNDS
    let now = start
    while (now < until) {
      for (let i = 0; i < 20; i++) run()
      iterations += 20
      now = cpu()
    }
    const perSecond = iterations / (now - start)
    if (!(perSecond <= (best[name] ?? 0))) best[name] = perSecond
  }
}
if (sink === 0) throw new Error('the engine returned no outcomes')

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
for (const [name, perSecond] of Object.entries(best))
  console.log(`${name.padEnd(20)} ${fmt(perSecond).padStart(10)} /s`)
if (engines.base)
  for (const v of ['compact', 'one compact', 'full'])
    console.log(`ratio ${v.padEnd(14)} ${(best[`this ${v}`]! / best[`base ${v}`]!).toFixed(2)}× main`)
