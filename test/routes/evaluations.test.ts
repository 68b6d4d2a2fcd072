// POST /v1/evaluations through the real app: POLICY.md §5 worked examples to the fen, the request
// validation (unknown properties, numbers for money, malformed JSON, unknown measures and parameters)
// and what-if overrides.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { summarise } from '../../src/decisions/explain.ts'
import { MEASURE_IDS } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'

const example = (measure: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'examples', `${measure}.json`), 'utf8'))

const app = await testApp(t)

const post = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/v1/evaluations?explain=full', payload: payload as object })

// biome-ignore lint/suspicious/noExplicitAny: a JSON response body, read field by field
type Json = any

const outcomeOf = (body: { outcomes: Json[] }, measure: string): Json =>
  body.outcomes.find((o) => o.measure === measure)

const qujingDeepProcessing = () => ({
  applicationDate: '2015-06-01',
  enterprise: { creditCode: '91530300MA6K5A1B2G', name: 'Qujing Deep Processing Co.' },
  project: {
    id: 'p-ex1',
    name: 'Copper foil line',
    buildType: 'expansion',
    industryCode: 'C32',
    policyClass: 'encouraged',
    meetsAccessConditions: true,
    prefecture: 'qujing',
    inCentralYunnanZone: false,
    deepProcessing: true,
    investment: '120000000.00',
  } as Record<string, unknown>,
})

t.test('§5 example 1: interest subsidy 0.06 × 120 000 000.00 = 7 200 000.00', async (t) => {
  const res = await post({ application: qujingDeepProcessing() })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.outcomes.length, MEASURE_IDS.length, 'every measure is evaluated when none is named')
  const o = outcomeOf(body, 'interest-subsidy')
  t.match(o, { status: 'eligible', amount: '7200000.00', clause: '§18' })
  t.match(o.details, { investment: '120000000.00', rate: '0.06', uncapped: '7200000.00' })
  t.match(o.trace.steps[0], { expression: '0.06 × 120000000.00', result: '7200000.00' })
  t.ok(
    o.trace.parameters.some(
      (p: Record<string, unknown>) =>
        p.name === 'interestSubsidy.rate' && p.value === '0.06' && p.from === '2014-01-01',
    ),
    'the trace names the parameter, its value and its period',
  )
  t.same(o.ledger, [
    {
      kind: 'cumulative',
      // the cap is the enterprise's: (credit code, project id) (POLICY.md §0 "Whose ledger")
      subject: { ledger: 'interest-subsidy', creditCode: '91530300MA6K5A1B2G', projectId: 'p-ex1' },
      amount: '7200000.00',
      cap: '10000000.00',
    },
  ])
  t.equal(body.asOf, '2015-06-01', 'asOf defaults to the application date')
  t.match(body.ruleset, { id: String, version: String })
  t.equal(body.gates.length, 2, 'both gates are reported')
  t.ok(
    body.gates.every((g: { passed: boolean }) => g.passed),
    'an encouraged expansion passes the gates',
  )
  t.ok(body.parametersUsed.length > 0)
  t.same(body.overriddenParameters, [])
})

t.test('§5 example 2 through history: only 2 800 000.00 of the cap remains', async (t) => {
  const application = qujingDeepProcessing()
  application.project.investment = '80000000.00'
  const res = await post({
    application,
    measures: ['interest-subsidy'],
    history: { interestSubsidyGranted: '7200000.00' },
  })
  t.equal(res.statusCode, 200)
  t.match(outcomeOf(res.json(), 'interest-subsidy'), { status: 'eligible', amount: '2800000.00' })
  t.equal(res.json().outcomes.length, 1, 'only the measures asked for')
})

const electronicsProject = (from: string, to: string) => ({
  applicationDate: '2018-03-01',
  enterprise: { creditCode: '91530100MA6N0E1A36', name: 'Kunming Optoelectronics Co.' },
  project: {
    id: 'km-display-panels',
    name: 'Display panel plant',
    buildType: 'new-build',
    industryCode: 'C39',
    emergingIndustry: 'electronic-information',
    policyClass: 'encouraged',
    meetsAccessConditions: true,
    prefecture: 'kunming',
    inCentralYunnanZone: true,
    commissionedOn: '2014-10-01',
    taxRecords: [{ from, to, vat: '2000000.00', enterpriseIncomeTax: '1000000.00' }],
  },
})

t.test('§5 example 3: emerging-industry project tax reward, 2015 and 2017', async (t) => {
  const y2015 = await post({
    application: electronicsProject('2015-01-01', '2015-12-31'),
    measures: ['emerging-project-tax-reward'],
  })
  t.equal(y2015.statusCode, 200)
  const o2015 = outcomeOf(y2015.json(), 'emerging-project-tax-reward')
  t.match(o2015, { status: 'eligible', amount: '450000.00' })
  t.equal(o2015.details.localTaxes, '900000.00', '0.25 × 2 000 000 + 0.40 × 1 000 000')
  t.equal(y2015.json().totalAmount, '450000.00')

  const y2017 = await post({
    application: electronicsProject('2017-01-01', '2017-12-31'),
    measures: ['emerging-project-tax-reward'],
  })
  const o2017 = outcomeOf(y2017.json(), 'emerging-project-tax-reward')
  t.match(o2017, { status: 'eligible', amount: '700000.00' })
  t.equal(o2017.details.localTaxes, '1400000.00', '0.50 × 2 000 000 + 0.40 × 1 000 000')
})

t.test('a tax record straddling 2016-05-01 → 422 naming the date and the record', async (t) => {
  const res = await post({
    application: electronicsProject('2016-01-01', '2016-12-31'),
    measures: ['emerging-project-tax-reward'],
  })
  t.equal(res.statusCode, 422)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const body = res.json()
  t.match(body, { status: 422, code: 'StraddlesParameterChange', date: '2016-05-01' })
  t.match(body.detail, /2016-05-01/)
  t.equal(
    body.errors[0].pointer,
    '#/application/project/taxRecords/0',
    'the pointer names the record in the body',
  )
})

const qujingLand = (buildingCoefficient: string) => {
  const body = example('land-price-ceiling')
  body.application.project.land.buildingCoefficient = buildingCoefficient
  return body
}

t.test('§5 example 5: land price ceiling in Qujing, 50 mu quoted at 180 000 per mu', async (t) => {
  const res = await post(qujingLand('0.45'))
  t.equal(res.statusCode, 200)
  const o = outcomeOf(res.json(), 'land-price-ceiling')
  t.match(o, { status: 'eligible', amount: null })
  t.match(o.details, {
    ceilingPerMu: '120000.00',
    totalCeiling: '6000000.00',
    quotedPricePerMu: '180000.00',
    saving: '3000000.00',
  })
  t.equal(res.json().totalAmount, '0.00', 'a non-cash benefit adds nothing to the total')

  const low = await post(qujingLand('0.41'))
  const lowOutcome = outcomeOf(low.json(), 'land-price-ceiling')
  t.equal(lowOutcome.status, 'ineligible')
  const reason = lowOutcome.reasons.find((r: { code: string }) => r.code === 'BUILDING_COEFFICIENT_TOO_LOW')
  t.ok(reason, 'the reason is the building coefficient')
  t.match(reason.message.en, /0\.41 < 0\.42/)
  t.equal(reason.field, '/project/land/buildingCoefficient')
})

t.test('§5 example 6: a restricted-class new build is ineligible for every measure', async (t) => {
  const application = qujingDeepProcessing()
  application.project.buildType = 'new-build'
  application.project.policyClass = 'restricted'
  const res = await post({ application })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.outcomes.length, MEASURE_IDS.length)
  for (const o of body.outcomes) {
    t.equal(o.status, 'ineligible', `${o.measure} is ineligible`)
    t.ok(
      o.reasons.some((r: { code: string }) => r.code === 'NEGATIVE_LIST'),
      `${o.measure} names NEGATIVE_LIST`,
    )
    t.equal(o.amount, null)
  }
  const gate = body.gates.find((g: { gate: string }) => g.gate === 'negative-list')
  t.match(gate, { passed: false, clause: '§17' })
  t.same(gate.consequences, ['no-project-approval', 'no-land-supply', 'no-environmental-review', 'no-loans'])
  t.equal(body.totalAmount, '0.00')
})

t.test('an unknown property → 400 whose first error points at it', async (t) => {
  const application = qujingDeepProcessing()
  application.project.investmnet = '1.00'
  const res = await post({ application })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.json().errors[0].pointer, '#/application/project/investmnet')

  const top = await post({ application: qujingDeepProcessing(), dryRun: true })
  t.equal(top.statusCode, 400)
  t.equal(top.json().errors[0].pointer, '#/dryRun')
})

t.test('a number where a money string is expected is rejected, not coerced', async (t) => {
  const application = qujingDeepProcessing()
  application.project.investment = 120000000
  const res = await post({ application })
  t.equal(res.statusCode, 400)
  const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer)
  t.ok(pointers.includes('#/application/project/investment'), 'the error names the investment')

  const history = await post({ application: qujingDeepProcessing(), history: { interestSubsidyGranted: 1 } })
  t.equal(history.statusCode, 400)
})

t.test('malformed JSON → 400 problem', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/evaluations?explain=full',
    headers: { 'content-type': 'application/json' },
    payload: '{"application": {',
  })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 400, title: 'JSON 格式错误' })
})

t.test('a missing application, an impossible date, an invalid credit code → 400', async (t) => {
  const none = await post({})
  t.equal(none.statusCode, 400)
  t.equal(none.json().errors[0].pointer, '#/application')

  const application = qujingDeepProcessing()
  application.applicationDate = '2015-02-30'
  const date = await post({ application })
  t.equal(date.statusCode, 400)
  t.equal(date.json().errors[0].pointer, '#/application/applicationDate')

  const code = qujingDeepProcessing()
  code.enterprise.creditCode = '91530300MA6K5A1B2H'
  const check = await post({ application: code })
  t.equal(check.statusCode, 400, 'the engine checks the GB 32100 check character')
  t.equal(check.json().code, 'InvalidInput')
  t.equal(check.json().errors[0].pointer, '#/application/enterprise/creditCode')
})

t.test('an unknown measure in `measures` → 400', async (t) => {
  const res = await post({ application: qujingDeepProcessing(), measures: ['free-money'] })
  t.equal(res.statusCode, 400)
  t.equal(res.json().errors[0].pointer, '#/measures/0')
})

t.test('an unknown parameter override → 400 naming #/parameters/<name>', async (t) => {
  const res = await post({
    application: qujingDeepProcessing(),
    parameters: { 'interestSubsidy.rat': '0.07' },
  })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.match(body, { code: 'UnknownParameter' })
  t.equal(body.errors[0].pointer, '#/parameters/interestSubsidy.rat')

  const kind = await post({ application: qujingDeepProcessing(), parameters: { 'interestSubsidy.rate': 7 } })
  t.equal(kind.statusCode, 400, 'a value of the wrong kind')
  t.match(kind.json(), { code: 'InvalidParameterValue' })
  t.equal(kind.json().errors[0].pointer, '#/parameters/interestSubsidy.rate')
})

t.test('a what-if override changes the amount and is listed', async (t) => {
  const res = await post({
    application: qujingDeepProcessing(),
    measures: ['interest-subsidy'],
    parameters: { 'interestSubsidy.rate': '0.07' },
  })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(outcomeOf(body, 'interest-subsidy'), { status: 'eligible', amount: '8400000.00' })
  t.same(body.overriddenParameters, ['interestSubsidy.rate'])
  const read = body.parametersUsed.find((p: { name: string }) => p.name === 'interestSubsidy.rate')
  t.match(read, { value: '0.07', overridden: true })

  const reform = await post({
    application: qujingDeepProcessing(),
    measures: ['interest-subsidy'],
    parameters: { 'interestSubsidy.rate': { from: '2016-01-01', value: '0.08' } },
  })
  t.equal(reform.statusCode, 200)
  t.match(outcomeOf(reform.json(), 'interest-subsidy'), { amount: '7200000.00' }, 'a reform after the date')
  const later = await post({
    application: qujingDeepProcessing(),
    asOf: '2016-06-01',
    measures: ['interest-subsidy'],
    parameters: { 'interestSubsidy.rate': { from: '2016-01-01', value: '0.08' } },
  })
  t.match(outcomeOf(later.json(), 'interest-subsidy'), { amount: '9600000.00' }, 'read as of a later date')
  t.equal(later.json().asOf, '2016-06-01')
})

t.test('the response carries every field of the trace (nothing dropped by the serializer)', async (t) => {
  const res = await post(example('emerging-top3-tax-reward'))
  const o = outcomeOf(res.json(), 'emerging-top3-tax-reward')
  t.match(o, { status: 'eligible', amount: '900000.00' })
  for (const c of o.trace.conditions) {
    t.hasOwnProps(c, ['id', 'clause', 'description', 'input', 'comparison', 'threshold', 'holds'])
  }
  t.ok(o.details.records.length > 0, 'measure-specific details are kept whole')
  t.hasOwnProps(o.details.records[0], ['record', 'period', 'counted', 'days', 'taxes'])
})

t.test(
  'an evaluation date before the rules exist: every measure ineligible, RULES_NOT_IN_FORCE',
  async (t) => {
    const res = await post({ application: qujingDeepProcessing(), asOf: '2013-12-31' })
    t.equal(res.statusCode, 200)
    for (const o of res.json().outcomes)
      t.match(o, { status: 'ineligible', reasons: [{ code: 'RULES_NOT_IN_FORCE' }] })
    const onTheDay = await post({
      application: qujingDeepProcessing(),
      asOf: '2014-01-01',
      measures: ['interest-subsidy'],
    })
    t.match(outcomeOf(onTheDay.json(), 'interest-subsidy'), { status: 'eligible' }, 'in force on 2014-01-01')
  },
)

t.test('an override that ends a rule (null): the measure is ineligible, RULE_NOT_IN_FORCE', async (t) => {
  const res = await post({
    application: qujingDeepProcessing(),
    measures: ['interest-subsidy'],
    parameters: { 'interestSubsidy.rate': null },
  })
  t.equal(res.statusCode, 200)
  t.match(outcomeOf(res.json(), 'interest-subsidy'), {
    status: 'ineligible',
    amount: null,
    reasons: [{ code: 'RULE_NOT_IN_FORCE' }],
    details: { parameter: 'interestSubsidy.rate' },
  })
  t.same(res.json().overriddenParameters, ['interestSubsidy.rate'])
})

t.test('the summary by default, the trace on request', async (t) => {
  const app = await testApp(t)
  const body = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'interest-subsidy.json'), 'utf8'),
  )
  const summary = await app.inject({ method: 'POST', url: '/v1/evaluations', payload: body })
  t.equal(summary.statusCode, 200)
  const s = summary.json()
  t.match(s.outcomes[0], {
    measure: 'interest-subsidy',
    status: 'eligible',
    amount: '7200000.00',
    reasons: [],
  })
  t.equal(s.outcomes[0].trace, undefined, 'no trace')
  t.equal(s.parametersUsed, undefined, 'no parameters used')
  const full = await app.inject({ method: 'POST', url: '/v1/evaluations?explain=full', payload: body })
  t.ok(full.json().outcomes[0].trace.conditions.length > 0, 'explain=full: the trace')
  t.ok(full.json().parametersUsed.length > 0, 'and every parameter used')
  t.ok(
    summary.body.length * 2 < full.body.length,
    `the summary is much smaller (${summary.body.length} vs ${full.body.length} bytes)`,
  )
  const preferred = await app.inject({
    method: 'POST',
    url: '/v1/evaluations',
    headers: { prefer: 'return=representation; explain=full' },
    payload: body,
  })
  t.equal(preferred.body, full.body, 'Prefer: explain=full gives the full answer')
  t.equal(preferred.headers['preference-applied'], 'explain=full')
  const bad = await app.inject({ method: 'POST', url: '/v1/evaluations?explain=everything', payload: body })
  t.equal(bad.statusCode, 400, 'an unknown explain value is refused')
})

t.test('the summary read off the compact decision is the full evaluation without its traces', async (t) => {
  const app = await testApp(t)
  const dir = join(import.meta.dirname, '..', '..', 'examples')
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const body = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    for (const request of [body, { application: body.application }]) {
      const summary = await app.inject({ method: 'POST', url: '/v1/evaluations', payload: request })
      const full = await app.inject({ method: 'POST', url: '/v1/evaluations?explain=full', payload: request })
      t.equal(summary.statusCode, 200)
      t.same(summary.json(), summarise(full.json()), `${file}${request.measures ? '' : ', all measures'}`)
    }
  }
})
