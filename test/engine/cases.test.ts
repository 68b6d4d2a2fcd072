// One table-driven runner over the case files in ./cases (OpenFisca style): each case is written
// from the law — name, clause, date, input, expected — and becomes one test.
//
// Case fields: name, clause, application, asOf?, history?, parameters? (overrides), measures?
// (subset), and either expect (per measure: status, amount?, reasons? (codes, in order of
// appearance, as a subset), details? (a partial match), gates?) or expectError ({ code, pointer }).

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { isEngineError } from '../../src/engine/errors.ts'
import { evaluate } from '../../src/engine/evaluate.ts'
import { type GrantedSummary, historyFromSummary } from '../../src/engine/history.ts'
import { DEFAULT_PARAMETERS } from '../../src/engine/parameters/index.ts'
import type { Application, MeasureId } from '../../src/engine/types.ts'

interface ExpectedOutcome {
  status: string
  amount?: string | null
  reasons?: string[]
  details?: Record<string, unknown>
}

interface Case {
  name: string
  clause: string
  application: Application
  asOf?: string
  history?: GrantedSummary
  parameters?: Record<string, never>
  measures?: MeasureId[]
  expect?: Record<string, ExpectedOutcome>
  expectTotal?: string
  expectError?: { code: string; pointer?: string }
}

const dir = join(import.meta.dirname, 'cases')
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()

for (const file of files) {
  const cases = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Case[]
  t.test(file, async (t) => {
    for (const c of cases) {
      t.test(`${c.clause} ${c.name}`, async (t) => {
        const run = () =>
          evaluate(c.application, {
            ...(c.asOf ? { asOf: c.asOf } : {}),
            ...(c.history ? { history: historyFromSummary(c.application, c.history) } : {}),
            ...(c.measures ? { measures: c.measures } : {}),
            parameters: DEFAULT_PARAMETERS.withOverrides(c.parameters ?? {}),
          })
        if (c.expectError) {
          const error = t.throws(run) as unknown
          t.ok(isEngineError(error, c.expectError.code as never), `engine error ${c.expectError.code}`)
          if (c.expectError.pointer && isEngineError(error)) t.equal(error.pointer, c.expectError.pointer)
          return
        }
        const result = run()
        if (c.expectTotal !== undefined) t.equal(result.totalAmount, c.expectTotal, 'total amount')
        for (const [measure, expected] of Object.entries(c.expect ?? {})) {
          const outcome = result.outcomes.find((o) => o.measure === measure)
          if (!outcome) {
            t.fail(`no outcome for ${measure}`)
            continue
          }
          t.equal(outcome.status, expected.status, `${measure} status`)
          if (expected.amount !== undefined) t.equal(outcome.amount, expected.amount, `${measure} amount`)
          if (expected.reasons) {
            t.same(
              outcome.reasons.map((r) => r.code).filter((code) => expected.reasons!.includes(code)),
              expected.reasons,
              `${measure} reasons`,
            )
          }
          if (expected.details) t.match(outcome.details, expected.details, `${measure} details`)
          for (const reason of outcome.reasons) {
            t.ok(reason.message.zh && reason.message.en, `${measure} ${reason.code} has zh and en messages`)
          }
        }
      })
    }
  })
}
