// Properties of evaluate() over generated applications (fast-check), written generically over every
// outcome so they hold for every measure and gate registered now or later:
// - no amount is ever negative;
// - the interest subsidy never exceeds its cap minus what history says was already granted;
// - every cash amount (outcomes, total, ledger claims) has exactly two decimals;
// - a failed gate makes every outcome ineligible, with the gate's reason;
// - evaluate is deterministic (same input → deep-equal output) and does not mutate its input;
// - the total is the sum of the outcomes' amounts;
// and rounding is half-up: Rational.toFenHalfUp against a bigint reference.
// Generated inputs are valid (credit codes with a correct GB 32100 check character, real dates,
// amounts with at most two decimals, monthly tax records that never straddle 2016-05-01 and carry
// no business tax after it), so evaluate must never throw.

import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import t from 'tap'
import { addDays, addMonths, dayNumber, fromDayNumber } from '../../src/engine/dates.ts'
import { evaluate } from '../../src/engine/evaluate.ts'
import { GATES } from '../../src/engine/gates/index.ts'
import { type GrantedSummary, historyFromSummary } from '../../src/engine/history.ts'
import { formatFen, parseFen, Rational, sum } from '../../src/engine/money.ts'
import { DEFAULT_PARAMETERS } from '../../src/engine/parameters/index.ts'
import {
  type Application,
  BUILD_TYPES,
  CAPACITY_PRODUCTS,
  type Claims,
  EMERGING_INDUSTRIES,
  type Enterprise,
  type Evaluation,
  type LandFacts,
  PARK_LEVELS,
  PLATFORM_KINDS,
  type PowerFacts,
  type Project,
  RESEARCH_EVENT_KINDS,
  STANDARD_KINDS,
  TALENT_ROLES,
  type TaxRecord,
} from '../../src/engine/types.ts'

const CREDIT_CODES = [
  '91530300MA6K5A1B2G',
  '91530100MA6N2X3P4X',
  '91530400MA6L7Q8R10',
  '91532300MA6M4T5U6X',
  '91530100216543210J',
]
const PREFECTURES = [
  'kunming',
  'qujing',
  'yuxi',
  'baoshan',
  'zhaotong',
  'lijiang',
  'puer',
  'lincang',
  'chuxiong',
  'honghe',
  'wenshan',
  'xishuangbanna',
  'dali',
  'dehong',
  'nujiang',
  'diqing',
]
const INDUSTRY_CODES = [
  'C13',
  'C15',
  'C17',
  'C25',
  'C26',
  'C2710',
  'C27',
  'C30',
  'C31',
  'C32',
  'C3311',
  '33',
  '3311',
  'C34',
  'C39',
  'C40',
  'C43',
  'B06',
  'D44',
]
const TWO_DECIMALS = /^\d+\.\d{2}$/
const RUNS = { numRuns: 300 }

// ---- generators --------------------------------------------------------------------------------

/** A yuan amount with at most two decimals, in any of the forms "12", "12.5", "12.50". */
const amount = (maxYuan: bigint) =>
  fc
    .tuple(fc.bigInt({ min: 0n, max: maxYuan * 100n }), fc.integer({ min: 0, max: 2 }))
    .map(([fen, places]) => {
      const text = formatFen(fen)
      return places === 2 ? text : places === 1 ? text.slice(0, -1) : text.slice(0, -3)
    })
const anyAmount = fc.oneof(amount(100n), amount(1_000_000n), amount(200_000_000n))

/** A decimal in hundredths, "0.00" … "max.99". */
const hundredths = (maxHundredths: number) =>
  fc
    .integer({ min: 0, max: maxHundredths })
    .map((n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`)
const ratio = fc
  .integer({ min: 0, max: 100 })
  .map((n) => (n === 100 ? '1.00' : `0.${String(n).padStart(2, '0')}`))

const dateBetween = (from: string, to: string) =>
  fc.integer({ min: dayNumber(from), max: dayNumber(to) }).map(fromDayNumber)

/** Monthly records (2014-01 … 2020-12), never two for the same month. */
const taxRecords = fc
  .uniqueArray(
    fc.record(
      {
        month: fc.integer({ min: 0, max: 83 }),
        vat: anyAmount,
        enterpriseIncomeTax: anyAmount,
        businessTax: anyAmount,
      },
      { requiredKeys: ['month'] },
    ),
    { selector: (r) => r.month, maxLength: 8 },
  )
  .map((rows) =>
    rows.map(({ month, businessTax, ...amounts }): TaxRecord => {
      const from = `${2014 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01`
      const to = addDays(addMonths(from, 1), -1)
      // business tax was abolished on 2016-05-01: only earlier months carry it
      return {
        from,
        to,
        ...amounts,
        ...(businessTax !== undefined && to < '2016-05-01' ? { businessTax } : {}),
      }
    }),
  )

const enterprise: fc.Arbitrary<Enterprise> = fc.record(
  {
    creditCode: fc.constantFrom(...CREDIT_CODES),
    name: fc.constant('Yunnan Test Co.'),
    registeredOn: dateBetween('2010-01-01', '2020-12-31'),
    techSmeCertified: fc.boolean(),
    taxRecords,
    emergingIndustryRanking: fc.record({
      industry: fc.constantFrom(...EMERGING_INDUSTRIES),
      year: fc.integer({ min: 2012, max: 2020 }),
      rank: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { requiredKeys: ['creditCode', 'name'] },
)

const land: fc.Arbitrary<LandFacts> = fc.record(
  {
    areaMu: hundredths(20_000),
    quotedPricePerMu: amount(300_000n),
    plotRatio: hundredths(250),
    buildingCoefficient: ratio,
    inPriorityCatalogue: fc.boolean(),
    meetsInvestmentIntensity: fc.boolean(),
    existingLandPlotRatioIncrease: fc.boolean(),
    newLandFloorAreaAboveStandard: fc.boolean(),
    assessedAdditionalPremium: anyAmount,
  },
  {
    requiredKeys: [
      'areaMu',
      'plotRatio',
      'buildingCoefficient',
      'inPriorityCatalogue',
      'meetsInvestmentIntensity',
    ],
  },
)

const power: fc.Arbitrary<PowerFacts> = fc.record({
  voltageKv: fc.constantFrom('10', '34.99', '35', '35.00', '110', '220'),
  unitEnergyConsumption: hundredths(1000),
  industryStandard: hundredths(1000),
})

const project: fc.Arbitrary<Project> = fc.record(
  {
    id: fc.constantFrom('p-1', 'p-2'),
    name: fc.constant('Test project'),
    buildType: fc.constantFrom(...BUILD_TYPES),
    industryCode: fc.constantFrom(...INDUSTRY_CODES),
    emergingIndustry: fc.option(fc.constantFrom(...EMERGING_INDUSTRIES)),
    // weighted towards classes that pass the negative list, so measures run often
    policyClass: fc.constantFrom(
      'encouraged',
      'encouraged',
      'permitted',
      'permitted',
      'restricted',
      'eliminated',
    ),
    meetsAccessConditions: fc.oneof(
      { arbitrary: fc.constant(true), weight: 4 },
      { arbitrary: fc.constant(false), weight: 1 },
    ),
    prefecture: fc.constantFrom(...PREFECTURES),
    park: fc.option(
      fc.record(
        {
          id: fc.constantFrom('park-1', 'park-2'),
          name: fc.constant('Test park'),
          level: fc.constantFrom(...PARK_LEVELS),
          pilot: fc.boolean(),
        },
        { requiredKeys: ['id', 'name', 'level'] },
      ),
    ),
    inCentralYunnanZone: fc.boolean(),
    capacityProduct: fc.option(fc.constantFrom(...CAPACITY_PRODUCTS)),
    capacity: fc.record(
      {
        newCapacity: hundredths(10_000_000),
        replacedCapacity: hundredths(10_000_000),
        selfProducedRawMaterialShare: ratio,
        resourcesOutsideProvince: fc.boolean(),
        energyOutsideProvince: fc.boolean(),
        marketOutsideProvince: fc.boolean(),
      },
      { requiredKeys: ['newCapacity', 'replacedCapacity'] },
    ),
    deepProcessing: fc.boolean(),
    chainExtension: fc.boolean(),
    investment: anyAmount,
    commissionedOn: dateBetween('2012-01-01', '2020-12-31'),
    taxRecords,
    keyTransformationLibrary: fc.boolean(),
    majorTransformationProject: fc.boolean(),
    land,
    power,
  },
  {
    requiredKeys: [
      'id',
      'name',
      'buildType',
      'industryCode',
      'policyClass',
      'meetsAccessConditions',
      'prefecture',
      'inCentralYunnanZone',
    ],
  },
)

const PLATFORM_IDS = ['platform-1', 'platform-2', 'platform-3']
const EVENT_IDS = ['event-1', 'event-2']
const STANDARD_IDS = ['standard-1', 'standard-2']
const PERSON_IDS = ['person-1', 'person-2']

const claims: fc.Arbitrary<Claims> = fc.record(
  {
    top3AwardYear: fc.integer({ min: 2013, max: 2021 }),
    rdPlatforms: fc.uniqueArray(
      fc.record({
        id: fc.constantFrom(...PLATFORM_IDS),
        kind: fc.constantFrom(...PLATFORM_KINDS),
        recognisedOn: dateBetween('2013-01-01', '2020-12-31'),
      }),
      { selector: (p) => p.id, maxLength: 3 },
    ),
    researchEvents: fc.uniqueArray(
      fc.record({
        id: fc.constantFrom(...EVENT_IDS),
        kind: fc.constantFrom(...RESEARCH_EVENT_KINDS),
        date: dateBetween('2013-01-01', '2020-12-31'),
      }),
      { selector: (e) => e.id, maxLength: 2 },
    ),
    standards: fc.uniqueArray(
      fc.record({
        id: fc.constantFrom(...STANDARD_IDS),
        kind: fc.constantFrom(...STANDARD_KINDS),
        date: dateBetween('2013-01-01', '2020-12-31'),
      }),
      { selector: (s) => s.id, maxLength: 2 },
    ),
    talents: fc.uniqueArray(
      fc.record({
        personId: fc.constantFrom(...PERSON_IDS),
        name: fc.constant('Test person'),
        role: fc.constantFrom(...TALENT_ROLES),
        designatedExcellent: fc.boolean(),
        year: fc.integer({ min: 2013, max: 2020 }),
        individualIncomeTax: anyAmount,
      }),
      { selector: (p) => `${p.personId}@${p.year}`, maxLength: 3 },
    ),
  },
  { requiredKeys: [] },
)

const application: fc.Arbitrary<Application> = fc.record(
  {
    // mostly inside the policy window (2014-01-01 … 2020-12-31), sometimes outside
    applicationDate: fc.oneof(
      { arbitrary: dateBetween('2014-01-01', '2020-12-31'), weight: 9 },
      { arbitrary: dateBetween('2012-01-01', '2022-12-31'), weight: 1 },
    ),
    enterprise,
    project,
    claims,
  },
  { requiredKeys: ['applicationDate', 'enterprise'] },
)

const history: fc.Arbitrary<GrantedSummary> = fc.record(
  {
    interestSubsidyGranted: fc.oneof(amount(12_000_000n), fc.constantFrom('10000000.00', '9999999.99', '0')),
    rdPlatformGrants: fc.array(
      fc.record({
        platformId: fc.constantFrom(...PLATFORM_IDS),
        tier: fc.constantFrom('national', 'provincial'),
      }),
      { maxLength: 3 },
    ),
    researchEventAwards: fc.subarray(EVENT_IDS),
    standardsAwards: fc.subarray(STANDARD_IDS),
    top3AwardYears: fc.uniqueArray(fc.integer({ min: 2014, max: 2020 }), { maxLength: 3 }),
    talentAwardYears: fc.uniqueArray(
      fc.record({
        personId: fc.constantFrom(...PERSON_IDS),
        years: fc.uniqueArray(fc.integer({ min: 2014, max: 2020 }), { maxLength: 3 }),
      }),
      { selector: (x) => x.personId, maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
)

// as a request body would arrive: plain JSON (fast-check's records have a null prototype)
const scenario = fc
  .record({ application, history })
  .map((x) => JSON.parse(JSON.stringify(x)) as { application: Application; history: GrantedSummary })

// ---- properties --------------------------------------------------------------------------------

const cashAmounts = (result: Evaluation): string[] => [
  result.totalAmount,
  ...result.outcomes.flatMap((o) => (o.amount === null ? [] : [o.amount])),
  ...result.outcomes.flatMap((o) =>
    o.ledger.flatMap((c) => (c.kind === 'days' || c.amount === null ? [] : [c.amount])),
  ),
]

t.test('amounts are never negative', async (t) => {
  fc.assert(
    fc.property(scenario, ({ application, history }) => {
      const result = evaluate(application, { history: historyFromSummary(application, history) })
      for (const a of cashAmounts(result)) if (a.startsWith('-')) throw new Error(`negative amount ${a}`)
    }),
    RUNS,
  )
  t.pass('no negative amount')
})

t.test('the interest subsidy never exceeds its cap minus what history granted', async (t) => {
  fc.assert(
    fc.property(scenario, ({ application, history }) => {
      const result = evaluate(application, { history: historyFromSummary(application, history) })
      const outcome = result.outcomes.find((o) => o.measure === 'interest-subsidy')
      if (!outcome || outcome.amount === null) return
      const cap = DEFAULT_PARAMETERS.lookup('interestSubsidy.capPerProject', result.asOf)?.value as string
      const granted = Rational.parse(history.interestSubsidyGranted ?? '0')
      const remaining = Rational.parse(cap).minus(granted).max(Rational.int(0))
      if (Rational.parse(outcome.amount).gt(remaining))
        throw new Error(`${outcome.amount} > ${cap} − ${granted.toYuan()}`)
    }),
    RUNS,
  )
  t.pass('within the cap')
})

t.test('every cash amount has exactly two decimals', async (t) => {
  fc.assert(
    fc.property(scenario, ({ application, history }) => {
      const result = evaluate(application, { history: historyFromSummary(application, history) })
      for (const a of cashAmounts(result)) if (!TWO_DECIMALS.test(a)) throw new Error(`amount ${a}`)
    }),
    RUNS,
  )
  t.pass('two decimals')
})

t.test('a failed gate makes every outcome ineligible, with its reason', async (t) => {
  let failures = 0
  fc.assert(
    fc.property(scenario, ({ application, history }) => {
      const result = evaluate(application, { history: historyFromSummary(application, history) })
      const failed = result.gates.find((g) => !g.passed)
      if (!failed) return
      failures++
      const code = GATES.find((g) => g.id === failed.gate)!.reasonCode
      for (const o of result.outcomes) {
        if (o.status !== 'ineligible')
          throw new Error(`${o.measure} is ${o.status} after ${failed.gate} failed`)
        if (!o.reasons.some((r) => r.code === code)) throw new Error(`${o.measure} lacks reason ${code}`)
        if (o.amount !== null || o.ledger.length > 0) throw new Error(`${o.measure} pays or claims`)
      }
    }),
    RUNS,
  )
  t.ok(GATES.length === 0 || failures > 0, `a gate failed in ${failures} of ${RUNS.numRuns} runs`)
})

t.test('evaluate is deterministic and leaves its input alone', async (t) => {
  fc.assert(
    fc.property(scenario, ({ application, history }) => {
      const before = structuredClone({ application, history })
      const first = evaluate(application, { history: historyFromSummary(application, history) })
      const second = evaluate(structuredClone(application), {
        history: historyFromSummary(structuredClone(application), structuredClone(history)),
      })
      if (!isDeepStrictEqual(first, second)) throw new Error('two evaluations differ')
      if (!isDeepStrictEqual({ application, history }, before)) throw new Error('the input was mutated')
    }),
    RUNS,
  )
  t.pass('deterministic')
})

t.test('the total is the sum of the outcomes', async (t) => {
  fc.assert(
    fc.property(scenario, ({ application, history }) => {
      const result = evaluate(application, { history: historyFromSummary(application, history) })
      const total = sum(result.outcomes.flatMap((o) => (o.amount === null ? [] : [Rational.parse(o.amount)])))
      if (total.toMoney() !== result.totalAmount)
        throw new Error(`${result.totalAmount} ≠ ${total.toMoney()}`)
      if (result.outcomes.some((o) => o.status === 'capped' && o.amount !== '0.00'))
        throw new Error('a capped outcome pays')
    }),
    RUNS,
  )
  t.pass('total adds up')
})

t.test('the generator reaches every kind of result', async (t) => {
  const statuses = new Map<string, Set<string>>()
  for (const { application, history } of fc.sample(scenario, { numRuns: 500, seed: 20140101 })) {
    for (const o of evaluate(application, { history: historyFromSummary(application, history) }).outcomes) {
      const seen = statuses.get(o.measure) ?? new Set<string>()
      seen.add(o.status)
      statuses.set(o.measure, seen)
    }
  }
  const eligibleSomewhere = [...statuses.entries()].filter(([, s]) => s.has('eligible')).map(([m]) => m)
  t.ok(eligibleSomewhere.length > 0, `eligible outcomes for: ${eligibleSomewhere.join(', ')}`)
  t.ok(statuses.get('interest-subsidy')?.has('eligible'), 'the interest subsidy pays in some runs')
  t.ok(statuses.get('interest-subsidy')?.has('capped'), 'and is capped in some')
})

// ---- rounding ----------------------------------------------------------------------------------

/** Half-up (away from zero) to the fen, by integer arithmetic alone: floor((200|n| + d) / 2d). */
const referenceFen = (n: bigint, d: bigint): bigint => {
  const magnitude = n < 0n ? -n : n
  const fen = (magnitude * 200n + d) / (2n * d)
  return n < 0n ? -fen : fen
}

t.test('rounding is half-up: Rational.toFenHalfUp against a bigint reference', async (t) => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
      fc.bigInt({ min: 1n, max: 10n ** 6n }),
      (n, d) => {
        const r = Rational.of(n, d)
        const fen = r.toFenHalfUp()
        if (fen !== referenceFen(n, d)) throw new Error(`${n}/${d}: ${fen} ≠ ${referenceFen(n, d)}`)
        if (r.toMoney() !== formatFen(fen)) throw new Error(`${n}/${d}: toMoney`)
      },
    ),
    { numRuns: 2000 },
  )
  // exact halves, where rounding modes differ: k + 1/2 fen
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (k) => {
      const half = Rational.of(2n * k + 1n, 200n)
      if (half.toFenHalfUp() !== referenceFen(2n * k + 1n, 200n)) throw new Error(`${k}.5 fen`)
    }),
    { numRuns: 1000 },
  )
  // amounts with at most two decimals are already exact to the fen
  fc.assert(
    fc.property(anyAmount, (text) => {
      if (Rational.parse(text).toFenHalfUp() !== parseFen(text)) throw new Error(text)
    }),
  )
  t.equal(referenceFen(1n, 200n), 1n, 'the reference itself: 0.005 → 1 fen')
  t.equal(referenceFen(-1n, 200n), -1n, '−0.005 → −1 fen')
  t.equal(referenceFen(1n, 201n), 0n)
})
