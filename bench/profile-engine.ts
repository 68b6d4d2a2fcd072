// Profiling harness for engine work: `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx
// bench/profile-engine.ts [one|full|render] [seconds]` runs one variant of bench/engine.ts in a loop
// for the given CPU seconds (default 5), so a profile shows only that variant.

import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decideCompact, evaluate } from '../src/engine/evaluate.ts'
import type { Application, MeasureId } from '../src/engine/types.ts'
import { FULL_APPLICATION } from './application.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ONE = JSON.parse(readFileSync(join(ROOT, 'examples', 'interest-subsidy.json'), 'utf8')) as {
  application: Application
  measures: MeasureId[]
}
const variant = process.argv[2] ?? 'full'
const seconds = Number(process.argv[3] ?? 5)
const oneOptions = { measures: ONE.measures }
const run =
  variant === 'one'
    ? () => decideCompact(ONE.application, oneOptions).outcomes.length
    : variant === 'render'
      ? () => evaluate(FULL_APPLICATION).outcomes.length
      : () => decideCompact(FULL_APPLICATION).outcomes.length
let sink = 0
let n = 0
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const start = cpu()
while (cpu() - start < seconds) {
  for (let i = 0; i < 100; i++) sink += run()
  n += 100
}
console.log(`${variant}: ${Math.round(n / (cpu() - start))}/s (sink ${sink})`)
