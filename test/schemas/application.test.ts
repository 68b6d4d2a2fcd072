// The TypeBox schemas describe exactly the engine's types: tsc checks that each Static type and its
// engine counterpart are assignable both ways (a field added on one side only fails the build), and
// the runtime tests check that the committed examples validate and that the schemas reject what the
// engine would refuse (numbers for money, unknown properties, impossible dates).

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Static } from 'typebox'
import { Value } from 'typebox/value'
import type { GrantedSummary } from '../../src/engine/history.ts'
import type { LedgerClaimOfRuleset100 } from '../../src/engine/ledgers.ts'
import type * as Engine from '../../src/engine/types.ts'
import { MEASURE_IDS } from '../../src/engine/types.ts'
import type { ConsequenceText } from '../../src/i18n/consequences.ts'
import { Application, History } from '../../src/schemas/application.ts'
import { type Evaluation, EvaluationRequest } from '../../src/schemas/evaluation.ts'
import {
  FundConcentrationRequest,
  LandDevelopmentFundRequest,
  ParkTaxRetentionRequest,
} from '../../src/schemas/finance.ts'
import { IndicatorProgressRequest } from '../../src/schemas/indicators.ts'

// ---- compile time: the schemas and the engine's types are the same types ----------------------

type SchemaApplication = Static<typeof Application>
type SchemaHistory = Static<typeof History>
type SchemaEvaluation = Static<typeof Evaluation>

const applicationToEngine = (a: SchemaApplication): Engine.Application => a
const applicationFromEngine = (a: Engine.Application): SchemaApplication => a
const historyToEngine = (h: SchemaHistory): GrantedSummary => h
const historyFromEngine = (h: GrantedSummary): SchemaHistory => h
// The response schema must accept every Evaluation the engine returns, as the API answers it (its
// gates' consequences also in words, src/i18n/consequences.ts)…
type EvaluationAnswered = Omit<Engine.Evaluation, 'gates'> & {
  gates: (Engine.GateResult & { consequenceTexts: ConsequenceText[] })[]
}
const evaluationFromEngine = (e: EvaluationAnswered): SchemaEvaluation => e
// …and describe nothing the engine does not return (or, for the ledger claims of decisions stored
// under ruleset 1.0.0, returned then).
type EvaluationAsStored = Omit<EvaluationAnswered, 'outcomes'> & {
  outcomes: (Omit<Engine.Outcome, 'ledger'> & { ledger: (Engine.LedgerClaim | LedgerClaimOfRuleset100)[] })[]
}
const evaluationToEngine = (e: SchemaEvaluation): EvaluationAsStored => e

// The request's overrides are what ParameterSet.withOverrides takes.
type Overrides = NonNullable<Static<typeof EvaluationRequest>['parameters']>
type EngineOverrides = Parameters<
  typeof import('../../src/engine/parameters/index.ts')['DEFAULT_PARAMETERS']['withOverrides']
>[0]
const overridesToEngine = (o: Overrides): EngineOverrides => o

void [
  applicationToEngine,
  applicationFromEngine,
  historyToEngine,
  historyFromEngine,
  evaluationFromEngine,
  evaluationToEngine,
  overridesToEngine,
]

// ---- run time ----------------------------------------------------------------------------------

const examplesDir = join(import.meta.dirname, '..', '..', 'examples')
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
const read = (file: string) => JSON.parse(readFileSync(join(examplesDir, file), 'utf8'))

t.test('there is one example per measure', async (t) => {
  t.same(
    examples.map((f) => f.replace(/\.json$/, '')),
    [...MEASURE_IDS].sort(),
  )
})

for (const file of examples) {
  t.test(`examples/${file} validates`, async (t) => {
    const body = read(file)
    t.same([...Value.Errors(EvaluationRequest, body)], [], 'the request body is valid')
    t.ok(Value.Check(Application, body.application), 'the application is valid')
  })
}

// biome-ignore lint/suspicious/noExplicitAny: JSON read from a file, mutated field by field
type Json = any

const base = () => read('interest-subsidy.json').application

t.test('money is a decimal string: a number is rejected, not coerced', async (t) => {
  const a = base()
  a.project.investment = 120000000
  t.notOk(Value.Check(Application, a))
  a.project.investment = '120000000.005'
  t.notOk(Value.Check(Application, a), 'at most two decimals')
  a.project.investment = '-1.00'
  t.notOk(Value.Check(Application, a), 'not negative')
  a.project.investment = '120000000'
  t.ok(Value.Check(Application, a), 'whole yuan are fine')
})

t.test('unknown properties are rejected at every level', async (t) => {
  for (const mutate of [
    (a: Json) => {
      a.extra = true
    },
    (a: Json) => {
      a.enterprise.extra = true
    },
    (a: Json) => {
      a.project.extra = true
    },
    (a: Json) => {
      a.project.land = {
        areaMu: '1',
        plotRatio: '1',
        buildingCoefficient: '0.5',
        inPriorityCatalogue: true,
        meetsInvestmentIntensity: true,
        extra: 1,
      }
    },
  ]) {
    const a = base()
    mutate(a)
    t.notOk(Value.Check(Application, a))
  }
})

t.test('dates are real calendar dates; ratios are at most 1; vocabularies are closed', async (t) => {
  const a = base()
  a.applicationDate = '2015-02-30'
  t.notOk(Value.Check(Application, a), '2015-02-30 does not exist')
  const b = base()
  b.project.prefecture = 'paris'
  t.notOk(Value.Check(Application, b), 'prefectures by pinyin id only')
  const c = base()
  c.project.policyClass = 'tolerated'
  t.notOk(Value.Check(Application, c))
  const d = read('land-price-ceiling.json').application
  d.project.land.buildingCoefficient = '1.2'
  t.notOk(Value.Check(Application, d), 'a building coefficient is a ratio ≤ 1')
})

t.test('every property of the request schemas says what it means', async (t) => {
  const missing: string[] = []
  interface Node {
    description?: unknown
    properties?: Record<string, Node>
    items?: Node
    anyOf?: Node[]
  }
  const walk = (schema: Node, path: string) => {
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (typeof sub.description !== 'string' || sub.description.length === 0) missing.push(`${path}/${key}`)
      walk(sub, `${path}/${key}`)
      if (sub.items) walk(sub.items, `${path}/${key}/items`)
      for (const option of sub.anyOf ?? []) walk(option, `${path}/${key}`)
    }
  }
  for (const schema of [
    Application,
    History,
    EvaluationRequest,
    LandDevelopmentFundRequest,
    ParkTaxRetentionRequest,
    FundConcentrationRequest,
    IndicatorProgressRequest,
  ])
    walk(schema as Node, '')
  t.same(missing, [])
})
