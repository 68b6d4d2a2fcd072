// The finance bureau's computations through HTTP (POLICY.md §3).

import t from 'tap'
import { landDevelopmentFund } from '../../src/engine/finance/land-development-fund.ts'
import { DEFAULT_PARAMETERS } from '../../src/engine/parameters/index.ts'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const app = await testApp(t)
const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload })

const landFund = (entities: object[], extra: object = {}) => ({
  period: { from: '2015-01-01', to: '2015-12-31' },
  entities,
  ...extra,
})

t.test('land development fund: 5% of land transfer revenue other than industrial land (§14)', async (t) => {
  const entities = [
    {
      id: 'qujing',
      level: 'prefecture',
      totalLandTransferRevenue: '1000000000.00',
      industrialLandTransferRevenue: '200000000.00',
    },
    {
      id: 'luliang',
      level: 'county',
      totalLandTransferRevenue: '3333.33',
      industrialLandTransferRevenue: '0',
    },
    { id: 'yunnan', level: 'province', totalLandTransferRevenue: '1.00', industrialLandTransferRevenue: '0' },
  ]
  const res = await post('/v1/finance/land-development-fund', landFund(entities))
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { computation: 'land-development-fund', clause: '§14', asOf: '2015-12-31', rate: '0.05' })
  t.match(body.entities[0], { applicable: true, base: '800000000.00', amount: '40000000.00' })
  t.match(body.entities[1], { applicable: true, amount: '166.67' }, '166.6665 rounds half-up to the fen')
  t.match(body.entities[2], { applicable: false, amount: '0.00', reasons: [{ code: 'LEVEL_NOT_COVERED' }] })
  t.equal(body.totals.amount, '40000166.67')
  t.ok(body.trace.steps.length > 0, 'the arithmetic is explained')
  t.same(body.overriddenParameters, [])
  const { overriddenParameters: _, ...result } = body
  const direct = landDevelopmentFund(
    { period: { from: '2015-01-01', to: '2015-12-31' }, entities },
    { asOf: '2015-12-31', parameters: DEFAULT_PARAMETERS, language: 'zh-CN' },
  )
  t.same(result, JSON.parse(JSON.stringify(direct)), 'nothing is dropped on the way out')
  // The steps follow Accept-Language like a measure's trace: Chinese by default, English on request.
  t.equal(body.trace.steps[0].description, 'qujing：工业用地以外的土地出让收入')
  t.match(body.entities[2].reasons[0].message, { zh: /“province”级不在/, en: /the level "province"/ })
  const english = await app.inject({
    method: 'POST',
    url: '/v1/finance/land-development-fund',
    payload: landFund(entities),
    headers: { 'accept-language': 'en' },
  })
  t.equal(english.headers['content-language'], 'en')
  t.equal(
    english.json().trace.steps[0].description,
    'qujing: land transfer revenue other than industrial land',
  )
  t.same(
    english.json().trace.steps.map((s: { expression: string; result: string }) => [s.expression, s.result]),
    body.trace.steps.map((s: { expression: string; result: string }) => [s.expression, s.result]),
    'the same arithmetic in either language',
  )

  const whatIf = await post(
    '/v1/finance/land-development-fund',
    landFund(
      [
        {
          id: 'qujing',
          level: 'prefecture',
          totalLandTransferRevenue: '100.00',
          industrialLandTransferRevenue: '0',
        },
      ],
      { parameters: { 'landDevelopmentFund.rate': '0.06' } },
    ),
  )
  t.match(whatIf.json(), {
    rate: '0.06',
    totals: { amount: '6.00' },
    overriddenParameters: ['landDevelopmentFund.rate'],
  })
})

t.test('land development fund: refused input names the field', async (t) => {
  const over = await post(
    '/v1/finance/land-development-fund',
    landFund([
      {
        id: 'q',
        level: 'prefecture',
        totalLandTransferRevenue: '1.00',
        industrialLandTransferRevenue: '2.00',
      },
    ]),
  )
  t.equal(over.statusCode, 400)
  t.equal(over.json().errors[0].pointer, '#/entities/0/industrialLandTransferRevenue')
  t.equal(
    over.json().detail,
    '工业用地出让收入2.00元超过了土地出让总收入1.00元',
    'the detail wholly in Chinese',
  )
  const overEnglish = await app.inject({
    method: 'POST',
    url: '/v1/finance/land-development-fund',
    payload: landFund([
      {
        id: 'q',
        level: 'prefecture',
        totalLandTransferRevenue: '1.00',
        industrialLandTransferRevenue: '2.00',
      },
    ]),
    headers: { 'accept-language': 'en' },
  })
  t.equal(overEnglish.json().detail, 'industrial land transfer revenue 2.00 exceeds the total 1.00')
  t.equal(overEnglish.json().errors[0].detail, 'industrial land transfer revenue 2.00 exceeds the total 1.00')

  const number = await post(
    '/v1/finance/land-development-fund',
    landFund([
      { id: 'q', level: 'prefecture', totalLandTransferRevenue: 100, industrialLandTransferRevenue: '0' },
    ]),
  )
  t.equal(number.statusCode, 400, 'money as a number is rejected')
  t.equal(number.json().errors[0].pointer, '#/entities/0/totalLandTransferRevenue')

  const unknown = await post(
    '/v1/finance/land-development-fund',
    landFund(
      [{ id: 'q', level: 'prefecture', totalLandTransferRevenue: '1', industrialLandTransferRevenue: '0' }],
      {
        parameters: { 'landDevelopmentFund.rat': '0.06' },
      },
    ),
  )
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().errors[0].pointer, '#/parameters/landDevelopmentFund.rat')
})

t.test('park tax retention: the provincial share of new revenue stays in the park (§18)', async (t) => {
  const body = {
    park: { id: 'qujing-edz', level: 'provincial' },
    baseYear: 2014,
    year: 2015,
    baseYearRevenue: { vat: '1000000.00', businessTax: '200000.00' },
    currentYearRevenue: { vat: '1500000.00', businessTax: '100000.00' },
    parameters: {
      'parkTaxRetention.provincialShare': { vat: '0.25', businessTax: '0.20', enterpriseIncomeTax: '0.30' },
    },
  }
  const res = await post('/v1/finance/park-tax-retention', body)
  t.equal(res.statusCode, 200)
  const result = res.json()
  t.match(result, {
    computation: 'park-tax-retention',
    asOf: '2015-12-31',
    applicable: true,
    newRevenue: '400000.00',
    amount: '105000.00',
    overriddenParameters: ['parkTaxRetention.provincialShare'],
  })
  t.same(
    result.lines.map((l: { taxType: string; provincialPart: string }) => [l.taxType, l.provincialPart]),
    [
      ['businessTax', '-20000.00'],
      ['vat', '125000.00'],
    ],
    'decreases net against increases',
  )

  const county = await post('/v1/finance/park-tax-retention', {
    ...body,
    park: { id: 'x', level: 'county' },
  })
  t.match(county.json(), { applicable: false, amount: '0.00', reasons: [{ code: 'PARK_LEVEL_NOT_COVERED' }] })

  const unknownTax = await post('/v1/finance/park-tax-retention', {
    ...body,
    currentYearRevenue: { stampDuty: '1.00' },
  })
  t.equal(unknownTax.statusCode, 400)
  t.equal(unknownTax.json().errors[0].pointer, '#/currentYearRevenue/stampDuty')
})

t.test('fund concentration: at least 60% to key industries, enterprises and projects (§18)', async (t) => {
  const check = (amounts: [string, boolean][]) =>
    post('/v1/finance/fund-concentration', {
      asOf: '2016-12-31',
      disbursements: amounts.map(([amount, key], i) => ({ id: `d${i}`, amount, key })),
    })
  const exactly = await check([
    ['600.00', true],
    ['400.00', false],
  ])
  t.equal(exactly.statusCode, 200)
  t.match(exactly.json(), {
    share: '0.6',
    passes: true,
    totals: { disbursed: '1000.00', key: '600.00', count: 2 },
  })

  const below = await check([
    ['599.99', true],
    ['400.01', false],
  ])
  t.match(below.json(), { passes: false, reasons: [{ code: 'KEY_SHARE_BELOW_MINIMUM' }] })

  const none = await check([])
  t.match(none.json(), { share: null, passes: null, reasons: [{ code: 'NO_DISBURSEMENTS' }] })

  const noDate = await post('/v1/finance/fund-concentration', { disbursements: [] })
  t.equal(noDate.statusCode, 400, 'asOf is required: the disbursements carry no date')
  t.equal(noDate.json().errors[0].pointer, '#/asOf')
})

t.test('GET fund-concentration: the §18 check over what stored decisions paid in a year', async (t) => {
  const database = await testDatabase(t)
  const stored = await testApp(t, database)
  const keys = await keysFor(database)
  const submit = async (facts: Application) => {
    const r = await stored.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
      payload: facts,
    })
    t.equal(r.statusCode, 201)
    return r.json()
  }
  const emerging = deepProcessing('c-key', '100000000.00', '2015-04-01')
  // 6% of each investment: 6 000 000.00 key (new materials), 3 000 000.00 other, 2016's 600 000.00 elsewhere.
  await submit({ ...emerging, project: { ...emerging.project!, emergingIndustry: 'new-materials' } })
  const other = await submit(deepProcessing('c-other', '50000000.00', '2015-05-01'))
  await submit(deepProcessing('c-2016', '10000000.00', '2016-05-01'))
  const get = (query: string, key = keys.auditor) =>
    stored.inject({ method: 'GET', url: `/v1/finance/fund-concentration${query}`, headers: bearer(key) })

  const r = await get('?year=2015')
  t.equal(r.statusCode, 200)
  const body = r.json()
  t.match(body, {
    year: 2015,
    asOf: '2015-12-31',
    totals: { disbursed: '9000000.00', key: '6000000.00', other: '3000000.00', count: 2, keyCount: 1 },
    share: '2/3',
    passes: true,
  })
  t.same(
    body.groups.map((g: { id: string; amount: string }) => [g.id, g.amount]),
    [
      ['none', '3000000.00'],
      ['emerging-industry', '6000000.00'],
    ],
  )

  // A correction lowers what "other" was paid: the superseded payment is not counted.
  const corrected = await stored.inject({
    method: 'POST',
    url: `/v1/decisions/${other.decisions[0].id}/corrections`,
    headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
    payload: {
      reason: 'investment was 5 000 000.00',
      facts: deepProcessing('c-other', '5000000.00', '2015-05-01'),
    },
  })
  t.equal(corrected.statusCode, 201)
  t.match((await get('?year=2015')).json().totals, { disbursed: '6300000.00', other: '300000.00', count: 2 })
  t.match((await get('?year=2017')).json(), {
    share: null,
    passes: null,
    reasons: [{ code: 'NO_DISBURSEMENTS' }],
  })
  // Before the policy (2014-01-01): nothing paid in 2013, and what 2015 paid read with 2000's
  // parameters — the check says the rule is not in force, as the POST form does, never a 500.
  const before = await get('?year=2013')
  t.equal(before.statusCode, 200, 'a year before the policy')
  t.match(before.json(), { share: null, passes: null, reasons: [{ code: 'NO_DISBURSEMENTS' }] })
  const early = await get('?year=2015&asOf=2000-01-01')
  t.equal(early.statusCode, 200, 'an asOf before the policy')
  t.match(early.json(), {
    // no designation is key before the policy's fundConcentration.keyDesignations
    totals: { disbursed: '6300000.00', key: '0.00' },
    share: '0',
    passes: null,
    minimumShare: null,
    reasons: [{ code: 'NOT_IN_FORCE' }],
  })
  t.equal((await get('?year=2015', keys.enterpriseA)).statusCode, 403, 'enterprises do not see the totals')
  const bad = await get('?year=15')
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ parameter: 'year' }])
})
