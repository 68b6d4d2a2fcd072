// `tsx bench/compare-engine.ts <dir>`: decides every example, every case of test/engine/cases and the
// bench application with this checkout's engine and with the one in <dir> (e.g. main's, extracted as
// in BENCHMARKS.md), under every ruleset version, and fails unless the compact records, the stored
// records (format 2) and the full renders (English and Chinese) are byte-identical, errors included.

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Application } from '../src/engine/types.ts'
import { FULL_APPLICATION } from './application.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const other = process.argv[2]
if (!other) throw new Error('usage: tsx bench/compare-engine.ts <dir with src/engine>')

interface Modules {
  evaluate: typeof import('../src/engine/evaluate.ts')
  stored: typeof import('../src/engine/stored-record.ts')
  history: typeof import('../src/engine/history.ts')
  parameters: typeof import('../src/engine/parameters/index.ts')
}
const load = async (dir: string): Promise<Modules> => {
  const at = (f: string) => pathToFileURL(resolve(dir, 'src', 'engine', f)).href
  return {
    evaluate: await import(at('evaluate.ts')),
    stored: await import(at('stored-record.ts')),
    history: await import(at('history.ts')),
    parameters: await import(at('parameters/index.ts')),
  }
}
const engines = [await load(ROOT), await load(other)]

interface Case {
  name: string
  application: Application
  asOf?: string
  history?: never
  parameters?: Record<string, never>
  measures?: string[]
}
const cases: Case[] = [{ name: 'bench application', application: FULL_APPLICATION }]
for (const f of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'))) {
  const e = JSON.parse(readFileSync(join(ROOT, 'examples', f), 'utf8'))
  cases.push({ name: `example ${f}`, application: e.application, measures: e.measures })
}
const casesDir = join(ROOT, 'test', 'engine', 'cases')
for (const f of readdirSync(casesDir).filter((f) => f.endsWith('.json')))
  for (const c of JSON.parse(readFileSync(join(casesDir, f), 'utf8')) as Case[])
    cases.push({ ...c, name: `${f}: ${c.name}` })

let ok = 0
const outputOf = (m: Modules, c: Case, version: string | undefined): string => {
  try {
    const options = {
      ...(c.asOf ? { asOf: c.asOf } : {}),
      ...(c.history ? { history: m.history.historyFromSummary(c.application, c.history) } : {}),
      ...(c.measures ? { measures: c.measures as never } : {}),
      ...(version ? { ruleset: version as never } : {}),
      parameters: m.parameters.DEFAULT_PARAMETERS.withOverrides(c.parameters ?? {}),
    }
    const compact = m.evaluate.decideCompact(c.application, options)
    const json = JSON.stringify(compact)
    const stored = JSON.stringify(m.stored.storedRecord(compact))
    const en = JSON.stringify(m.evaluate.renderEvaluation(compact, c.application, 'en'))
    const zh = JSON.stringify(m.evaluate.renderEvaluation(JSON.parse(json), c.application, 'zh-CN'))
    const summary = JSON.stringify(m.evaluate.summarizeEvaluation(compact))
    ok++
    return [json, stored, en, zh, summary].join('\n')
  } catch (error) {
    const e = error as { name?: string; code?: string; pointer?: string; message?: string; details?: unknown }
    return `error ${e.name} ${e.code} ${e.pointer} ${e.message} ${JSON.stringify(e.details)}`
  }
}

let compared = 0
let differ = 0
for (const c of cases)
  for (const version of [undefined, '1.0.0', '1.1.0', '1.2.0', '1.3.0']) {
    const [a, b] = engines.map((m) => outputOf(m, c, version))
    compared++
    if (a !== b) {
      differ++
      console.log(`DIFFERS: ${c.name} (ruleset ${version ?? 'default'})`)
    }
  }
console.log(`${compared} decisions compared (${ok / 2} decided, the rest errors), ${differ} differ`)
if (differ > 0) process.exit(1)
