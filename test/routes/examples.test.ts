// Every ready request body of examples/ (one per measure), posted to POST /v1/evaluations, gives its
// measure an eligible outcome (standards-award: needs-review, the source fixing no amount).

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { evaluate } from '../../src/engine/evaluate.ts'
import { MEASURE_IDS } from '../../src/engine/types.ts'
import { withConsequenceTexts } from '../../src/i18n/consequences.ts'
import { testApp } from '../helpers/app.ts'

const dir = join(import.meta.dirname, '..', '..', 'examples')
const app = await testApp(t)

const expected: Record<string, { status: string; amount: string | null }> = {
  'interest-subsidy': { status: 'eligible', amount: '7200000.00' },
  'emerging-project-tax-reward': { status: 'eligible', amount: '450000.00' },
  'startup-tech-sme-tax-reward': { status: 'eligible', amount: '33500.00' },
  'emerging-top3-tax-reward': { status: 'eligible', amount: '900000.00' },
  'rd-platform-grant': { status: 'eligible', amount: '3000000.00' },
  'research-institute-award': { status: 'eligible', amount: '1000000.00' },
  'standards-award': { status: 'needs-review', amount: null },
  'talent-iit-reward': { status: 'eligible', amount: '100000.00' },
  'land-price-ceiling': { status: 'eligible', amount: null },
  'land-premium-exemption': { status: 'eligible', amount: null },
  'key-project-loan-rate': { status: 'eligible', amount: null },
  'direct-power-trading': { status: 'eligible', amount: null },
}

t.same(Object.keys(expected).sort(), [...MEASURE_IDS].sort(), 'one expectation per measure')

for (const measure of MEASURE_IDS) {
  t.test(`examples/${measure}.json`, async (t) => {
    const body = JSON.parse(readFileSync(join(dir, `${measure}.json`), 'utf8'))
    const res = await app.inject({ method: 'POST', url: '/v1/evaluations?explain=full', payload: body })
    t.equal(res.statusCode, 200, res.statusCode === 200 ? 'accepted' : res.body)
    const outcome = res.json().outcomes.find((o: { measure: string }) => o.measure === measure)
    t.ok(outcome, 'the measure is evaluated')
    t.match(outcome, expected[measure]!)
    t.ok(
      res.json().gates.every((g: { passed: boolean }) => g.passed),
      'no gate fails',
    )
    // The serializer drops what the response schema does not name: the body must be the engine's
    // evaluation, every field of it.
    // In the request's language (Chinese by default), gates' consequences also in words.
    const direct = withConsequenceTexts(evaluate(body.application, { measures: body.measures }, 'zh-CN'))
    t.same(res.json(), JSON.parse(JSON.stringify(direct)), 'nothing is dropped or changed on the way out')
  })
}

t.test('no stray files in examples/', async (t) => {
  t.same(
    readdirSync(dir)
      .map((f) => f.replace(/\.json$/, ''))
      .sort(),
    [...MEASURE_IDS].sort(),
  )
})
