// Writes the golden evaluations of test/engine/golden/ (test/engine/golden.test.ts compares the
// renderer with them): today's full output of evaluate() for every examples/*.json request, for the
// benchmark's FULL_APPLICATION (under the current ruleset and under 1.0.0), and for every case of
// test/engine/cases/*.json (under the current ruleset and under 1.0.0). The committed files were
// frozen from the engine before decisions became compact records rendered on demand; regenerate only
// for a deliberate change of output, and say so in the commit.
//
//   npx tsx scripts/engine-goldens.ts

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FULL_APPLICATION } from '../bench/application.ts'
import { evaluate } from '../src/engine/evaluate.ts'
import { type GrantedSummary, historyFromSummary } from '../src/engine/history.ts'
import { DEFAULT_PARAMETERS } from '../src/engine/parameters/index.ts'
import type { ParameterOverride } from '../src/engine/parameters/types.ts'
import type { RulesetVersion } from '../src/engine/ruleset.ts'
import type { Application, MeasureId } from '../src/engine/types.ts'

const root = join(import.meta.dirname, '..')
const out = join(root, 'test', 'engine', 'golden')
const write = (file: string, value: unknown) => {
  mkdirSync(join(out, file, '..'), { recursive: true })
  writeFileSync(join(out, file), `${JSON.stringify(value, null, 1)}\n`)
}
/** A list, one item per line (the case files are large: compact, yet a diff names the case). */
const writeLines = (file: string, items: unknown[]) => {
  mkdirSync(join(out, file, '..'), { recursive: true })
  writeFileSync(join(out, file), `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]\n`)
}

// examples/*.json: the request as the HTTP layer receives it (application and measures)
const examples = join(root, 'examples')
for (const file of readdirSync(examples).filter((f) => f.endsWith('.json'))) {
  const request = JSON.parse(readFileSync(join(examples, file), 'utf8')) as {
    application: Application
    measures?: MeasureId[]
  }
  write(
    join('examples', file),
    evaluate(request.application, request.measures ? { measures: request.measures } : {}),
  )
}

write('full-application.json', evaluate(FULL_APPLICATION))
write('full-application-1.0.0.json', evaluate(FULL_APPLICATION, { ruleset: '1.0.0' }))

// every case of the case files that evaluates (cases expecting an engine error have no output)
interface Case {
  name: string
  application: Application
  asOf?: string
  history?: GrantedSummary
  parameters?: Record<string, ParameterOverride>
  measures?: MeasureId[]
  expectError?: unknown
}
const cases = join(root, 'test', 'engine', 'cases')
for (const file of readdirSync(cases).filter((f) => f.endsWith('.json'))) {
  const list = JSON.parse(readFileSync(join(cases, file), 'utf8')) as Case[]
  for (const ruleset of ['1.1.0', '1.0.0'] as RulesetVersion[]) {
    const results = list.flatMap((c) => {
      try {
        return [
          {
            name: c.name,
            evaluation: evaluate(c.application, {
              ...(c.asOf ? { asOf: c.asOf } : {}),
              ...(c.history ? { history: historyFromSummary(c.application, c.history) } : {}),
              ...(c.measures ? { measures: c.measures } : {}),
              parameters: DEFAULT_PARAMETERS.withOverrides(c.parameters ?? {}),
              ruleset,
            }),
          },
        ]
      } catch {
        return []
      }
    })
    writeLines(join('cases', ruleset, file), results)
  }
}
