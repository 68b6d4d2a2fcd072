// The rulings of 2026-12-03 (POLICY.md §0), checked where the case runner cannot look: the trace
// (conditions, notes, parameters read), the gates, the ledger claims, and exact per-item amounts (the
// runner's `details` is a partial match in which a string pattern matches any string containing it).
// Every expected value is computed by hand from POLICY.md; the arithmetic is in the test names.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { isEngineError } from '../../src/engine/errors.ts'
import { evaluate } from '../../src/engine/evaluate.ts'
import { type GrantedSummary, historyFromSummary } from '../../src/engine/history.ts'
import type { LedgerClaim, LedgerSubject, RewardedTax } from '../../src/engine/ledgers.ts'
import { parseFen } from '../../src/engine/money.ts'
import { DEFAULT_PARAMETERS } from '../../src/engine/parameters/index.ts'
import type { ParameterOverride } from '../../src/engine/parameters/types.ts'
import type { Application, Evaluation, MeasureId, Outcome, Project } from '../../src/engine/types.ts'

const WINDOW = { from: '2014-01-01', to: '2020-12-31' }

const run = (
  application: Application,
  options: {
    history?: GrantedSummary
    parameters?: Record<string, ParameterOverride>
    measures?: MeasureId[]
    asOf?: string
  } = {},
): Evaluation =>
  evaluate(application, {
    ...(options.asOf ? { asOf: options.asOf } : {}),
    ...(options.history ? { history: historyFromSummary(application, options.history) } : {}),
    ...(options.measures ? { measures: options.measures } : {}),
    parameters: DEFAULT_PARAMETERS.withOverrides(options.parameters ?? {}),
  })

const outcome = (e: Evaluation, measure: MeasureId): Outcome => {
  const o = e.outcomes.find((x) => x.measure === measure)
  if (!o) throw new Error(`no outcome for ${measure}`)
  return o
}

const project = (p: Partial<Project>): Project => ({
  id: 'p-1',
  name: 'Plant',
  buildType: 'expansion',
  industryCode: 'C32',
  policyClass: 'encouraged',
  meetsAccessConditions: true,
  prefecture: 'qujing',
  inCentralYunnanZone: false,
  deepProcessing: true,
  investment: '100000000.00',
  ...p,
})

const qujing = (applicationDate: string, p: Partial<Project> = {}): Application => ({
  applicationDate,
  enterprise: { creditCode: '91530300MA6K5A1B2G', name: 'Qujing Industrial Co.' },
  project: project(p),
})

/** The window condition every outcome's trace must carry (POLICY.md §0, last ruling). */
const checkWindow = (t: Test, e: Evaluation, date: string, inside: boolean) => {
  for (const name of ['policy.windowStart', 'policy.windowEnd']) {
    t.ok(
      e.parametersUsed.some((p) => p.name === name),
      `parametersUsed includes ${name}`,
    )
  }
  for (const o of e.outcomes) {
    const c = o.trace.conditions.find((x) => x.id === 'within-policy-window')
    t.ok(c, `${o.measure}: the trace records within-policy-window`)
    if (!c) continue
    t.equal(c.clause, '§4, §8–§9', `${o.measure}: the window cites §4, §8–§9`)
    t.equal(c.holds, inside, `${o.measure}: within-policy-window holds = ${inside}`)
    t.equal(c.input, date, `${o.measure}: its input is the application date`)
    t.same(c.threshold, WINDOW, `${o.measure}: its threshold is the window`)
    for (const name of ['policy.windowStart', 'policy.windowEnd'])
      t.ok(
        o.trace.parameters.some((p) => p.name === name),
        `${o.measure}: ${name} among the parameters read`,
      )
  }
}

t.test('ruling 7: the policy window is a condition like any other', async (t) => {
  for (const [date, inside] of [
    ['2013-12-31', false],
    ['2014-01-01', true],
    ['2020-12-31', true],
    ['2021-01-01', false],
  ] as const) {
    t.test(`application ${date}: ${inside ? 'inside' : 'outside'} 2014-01-01…2020-12-31`, async (t) => {
      const e = run(qujing(date))
      t.equal(e.outcomes.length, 12, 'all twelve measures decided')
      checkWindow(t, e, date, inside)
      const subsidy = outcome(e, 'interest-subsidy')
      if (inside) {
        t.equal(subsidy.status, 'eligible')
        t.equal(subsidy.amount, '6000000.00', '0.06 × 100 000 000.00 = 6 000 000.00')
      } else {
        for (const o of e.outcomes) {
          t.equal(o.status, 'ineligible', `${o.measure} ineligible`)
          t.same(
            o.reasons.map((r) => r.code),
            ['OUTSIDE_POLICY_WINDOW'],
            `${o.measure}: OUTSIDE_POLICY_WINDOW`,
          )
        }
        t.equal(e.totalAmount, '0.00')
      }
    })
  }

  t.test('the window is recorded when a gate decides (crude-steel new build, all inside)', async (t) => {
    const e = run(
      qujing('2015-06-01', {
        buildType: 'new-build',
        industryCode: 'C31',
        capacityProduct: 'crude-steel',
        capacity: {
          newCapacity: '1000000',
          replacedCapacity: '0',
          resourcesOutsideProvince: false,
          energyOutsideProvince: false,
          marketOutsideProvince: false,
        },
      }),
    )
    checkWindow(t, e, '2015-06-01', true)
    for (const o of e.outcomes)
      t.equal(o.reasons[0]?.code, 'CAPACITY_CONTROL', `${o.measure}: CAPACITY_CONTROL`)
  })

  t.test('the window is recorded when a rule is not in force (interestSubsidy.rate = null)', async (t) => {
    const e = run(qujing('2015-06-01'), { parameters: { 'interestSubsidy.rate': null } })
    checkWindow(t, e, '2015-06-01', true)
    t.equal(outcome(e, 'interest-subsidy').reasons[0]?.code, 'RULE_NOT_IN_FORCE')
  })

  t.test('every case of rulings-2026-12-03.json records both bounds and the condition', async (t) => {
    const file = join(import.meta.dirname, 'cases', 'rulings-2026-12-03.json')
    const cases = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string
      application: Application
      asOf?: string
      history?: GrantedSummary
      parameters?: Record<string, ParameterOverride>
      measures?: MeasureId[]
      expectError?: unknown
    }[]
    for (const c of cases) {
      if (c.expectError) continue
      t.test(c.name, async (t) => {
        const e = run(c.application, {
          ...(c.history ? { history: c.history } : {}),
          ...(c.parameters ? { parameters: c.parameters } : {}),
          ...(c.measures ? { measures: c.measures } : {}),
          ...(c.asOf ? { asOf: c.asOf } : {}),
        })
        const date = c.application.applicationDate
        checkWindow(t, e, date, WINDOW.from <= date && date <= WINDOW.to)
      })
    }
  })
})

t.test('ruling 1: events count only once they have happened', async (t) => {
  const claims = (recognisedOn: string): Application => ({
    applicationDate: '2015-06-01',
    enterprise: { creditCode: '91530300MA6K5A1B2G', name: 'Qujing Industrial Co.' },
    claims: { rdPlatforms: [{ id: 'nlab-1', kind: 'national-lab', recognisedOn }] },
  })
  for (const [date, holds] of [
    ['2015-05-31', true],
    ['2015-06-01', true],
    ['2015-06-02', false],
    ['2030-01-01', false],
  ] as const) {
    t.test(`recognised ${date}, applied 2015-06-01 → condition holds = ${holds}`, async (t) => {
      const o = outcome(run(claims(date), { measures: ['rd-platform-grant'] }), 'rd-platform-grant')
      t.match(
        o.trace.conditions.find((c) => c.id === 'event-on-or-before-application[0]'),
        { clause: '§0', input: date, comparison: '<=', threshold: '2015-06-01', holds },
      )
      if (holds) {
        t.equal(o.amount, '3000000.00')
        t.same(o.ledger, [
          {
            kind: 'once',
            subject: { ledger: 'rd-platform-grant', platformId: 'nlab-1' },
            item: 'national',
            amount: '3000000.00',
          },
        ])
      } else {
        t.equal(o.status, 'ineligible')
        t.equal(o.amount, null, 'no 3 000 000.00')
        t.same(o.ledger, [], 'nothing claimed')
        t.equal(o.reasons[0]?.field, '/claims/rdPlatforms/0/recognisedOn')
      }
    })
  }
})

t.test('ruling 2: a tax period is rewarded once', async (t) => {
  const display = (records: Project['taxRecords']): Application => ({
    applicationDate: '2016-03-01',
    enterprise: { creditCode: '91530100MA6N2X3P4X', name: 'Kunming Display Technology Co.' },
    project: project({
      id: 'p-display-1',
      buildType: 'new-build',
      industryCode: 'C39',
      emergingIndustry: 'electronic-information',
      prefecture: 'kunming',
      commissionedOn: '2014-10-01',
      taxRecords: records,
    }),
  })
  const ex3 = display([
    { from: '2015-01-01', to: '2015-12-31', vat: '2000000.00', enterpriseIncomeTax: '1000000.00' },
  ])
  const days = (from: string, to: string): GrantedSummary => ({
    rewardedTaxDays: (['vat', 'enterpriseIncomeTax'] as const).map((tax) => ({
      measure: 'emerging-project-tax-reward' as const,
      tax,
      from,
      to,
    })),
  })
  const subject = (tax: RewardedTax): LedgerSubject => ({
    ledger: 'tax-days',
    measure: 'emerging-project-tax-reward',
    creditCode: '91530100MA6N2X3P4X',
    projectId: 'p-display-1',
    tax,
  })

  t.test('nothing rewarded: 450 000.00, and the whole of 2015 is claimed for VAT and EIT', async (t) => {
    const o = outcome(run(ex3, { measures: ['emerging-project-tax-reward'] }), 'emerging-project-tax-reward')
    t.equal(o.amount, '450000.00')
    t.same(o.ledger, [
      { kind: 'days', subject: subject('vat'), period: { from: '2015-01-01', to: '2015-12-31' } },
      {
        kind: 'days',
        subject: subject('enterpriseIncomeTax'),
        period: { from: '2015-01-01', to: '2015-12-31' },
      },
    ] satisfies LedgerClaim[])
  })

  t.test(
    '2015-01-01…2015-06-30 rewarded: 900 000 × 184/365 × 0.5 = 226 849.315… → 226 849.32; only 2015-07-01…2015-12-31 claimed; the proration is in the trace',
    async (t) => {
      const o = outcome(
        run(ex3, { history: days('2015-01-01', '2015-06-30'), measures: ['emerging-project-tax-reward'] }),
        'emerging-project-tax-reward',
      )
      t.equal(o.status, 'eligible')
      t.equal(o.amount, '226849.32')
      t.same(o.ledger, [
        { kind: 'days', subject: subject('vat'), period: { from: '2015-07-01', to: '2015-12-31' } },
        {
          kind: 'days',
          subject: subject('enterpriseIncomeTax'),
          period: { from: '2015-07-01', to: '2015-12-31' },
        },
      ])
      for (const tax of ['vat', 'enterpriseIncomeTax'] as const)
        t.match(
          o.trace.conditions.find((c) => c.id === `days-not-yet-rewarded:/project/taxRecords/0/${tax}`),
          { clause: '§0', holds: true, threshold: [{ from: '2015-01-01', to: '2015-06-30' }] },
        )
      t.ok(
        o.trace.steps.some((s) => s.expression === '2000000.00 × 184 / 365'),
        'VAT pro rata: 2 000 000.00 × 184 / 365',
      )
      t.ok(
        o.trace.steps.some((s) => s.expression === '1000000.00 × 184 / 365'),
        'EIT pro rata: 1 000 000.00 × 184 / 365',
      )
    },
  )

  t.test('every day rewarded: ALREADY_REWARDED, nothing claimed, the condition fails', async (t) => {
    const o = outcome(
      run(ex3, { history: days('2015-01-01', '2015-12-31'), measures: ['emerging-project-tax-reward'] }),
      'emerging-project-tax-reward',
    )
    t.equal(o.status, 'ineligible')
    t.same(
      o.reasons.map((r) => r.code),
      ['ALREADY_REWARDED'],
    )
    t.same(o.ledger, [])
    t.match(
      o.trace.conditions.find((c) => c.id === 'days-not-yet-rewarded:/project/taxRecords/0/vat'),
      { holds: false },
    )
  })

  t.test('overlapping records of one tax: InvalidInput names the later record and the earlier', async (t) => {
    const app = display([
      { from: '2015-01-01', to: '2015-06-30', vat: '1000000.00' },
      { from: '2015-06-30', to: '2015-12-31', vat: '1000000.00' },
    ])
    const error = t.throws(() => run(app, { measures: ['emerging-project-tax-reward'] })) as unknown
    t.ok(isEngineError(error, 'InvalidInput'))
    if (isEngineError(error)) {
      t.equal(error.pointer, '/project/taxRecords/1')
      t.match(error.details, {
        tax: 'vat',
        from: '2015-06-30',
        to: '2015-06-30',
        other: '/project/taxRecords/0',
      })
    }
  })
})

t.test('ruling 4: crude steel, the gate and its trace', async (t) => {
  const steel = (buildType: Project['buildType'], outside: boolean) =>
    qujing('2015-06-01', {
      buildType,
      industryCode: 'C31',
      capacityProduct: 'crude-steel',
      capacity: {
        newCapacity: '1000000',
        replacedCapacity: '0',
        resourcesOutsideProvince: outside,
        energyOutsideProvince: outside,
        marketOutsideProvince: outside,
      },
    })
  for (const buildType of ['new-build', 'expansion'] as const) {
    t.test(`${buildType}, all inside → the gate fails with NEW_CAPACITY_BARRED`, async (t) => {
      const e = run(steel(buildType, false))
      const gate = e.gates.find((g) => g.gate === 'capacity-control')!
      t.equal(gate.passed, false)
      t.same(
        gate.reasons.map((r) => r.code),
        ['NEW_CAPACITY_BARRED'],
      )
      t.match(
        gate.trace.conditions.find((c) => c.id === 'controlled-new-build'),
        { holds: true, input: { buildType, capacityProduct: 'crude-steel' } },
      )
      for (const o of e.outcomes) t.equal(o.status, 'ineligible', `${o.measure} ineligible`)
    })
    t.test(`${buildType}, all outside → the gate passes`, async (t) => {
      const e = run(steel(buildType, true))
      t.ok(e.gates.every((g) => g.passed))
      t.equal(outcome(e, 'interest-subsidy').amount, '6000000.00')
    })
  }
  t.test('renovation → §6 does not apply, the trace says so', async (t) => {
    const e = run(steel('renovation', false))
    const gate = e.gates.find((g) => g.gate === 'capacity-control')!
    t.equal(gate.passed, true)
    t.equal(gate.trace.conditions.length, 0)
    t.match(gate.trace.notes.join('\n'), /renovation of crude-steel adds no capacity/)
  })
})

t.test('ruling 5: eligible means money', async (t) => {
  t.test('0.06 × 0.08 = 0.0048 → AMOUNT_BELOW_ONE_FEN, nothing claimed', async (t) => {
    const o = outcome(
      run(qujing('2015-06-01', { investment: '0.08' }), { measures: ['interest-subsidy'] }),
      'interest-subsidy',
    )
    t.equal(o.status, 'ineligible')
    t.equal(o.amount, null)
    t.same(o.ledger, [])
    t.match(
      o.trace.conditions.find((c) => c.id === 'amount-at-least-one-fen'),
      { input: '0.0048', holds: false },
    )
  })
  t.test('0.06 × 0.09 = 0.0054 → 0.01 claimed against the cap', async (t) => {
    const o = outcome(
      run(qujing('2015-06-01', { investment: '0.09' }), { measures: ['interest-subsidy'] }),
      'interest-subsidy',
    )
    t.equal(o.amount, '0.01')
    t.match(o.ledger, [{ kind: 'cumulative', amount: '0.01', cap: '10000000.00' }])
  })

  const talents = (list: [string, number, string][]): Application => ({
    applicationDate: '2017-03-01',
    enterprise: { creditCode: '91530100216543210J', name: 'Kunming Machine Tool Co.' },
    project: project({
      id: 'p-machine-1',
      industryCode: 'C34',
      prefecture: 'kunming',
      park: { id: 'park-1', name: 'Yangzonghai Industrial Park', level: 'provincial' },
    }),
    claims: {
      talents: list.map(([personId, year, individualIncomeTax]) => ({
        personId,
        name: personId,
        role: 'executive',
        designatedExcellent: true,
        year,
        individualIncomeTax,
      })),
    },
  })
  for (const { name, list, total, shares } of [
    {
      name: '0.40 × (100.01, 100.02, 100.03) = 40.004 + 40.008 + 40.012 = 120.024 → 120.02; floors 40.00, 40.00, 40.01 (120.01); the last fen to the largest remainder 0.8 fen (B)',
      list: [
        ['A', 2016, '100.01'],
        ['B', 2016, '100.02'],
        ['C', 2016, '100.03'],
      ] as [string, number, string][],
      total: '120.02',
      shares: ['40.00', '40.01', '40.01'],
    },
    {
      name: '0.40 × 100.01 × 3 = 120.012 → 120.01; floors 3 × 40.00; a tie of 0.4 fen → the earliest claim',
      list: [
        ['A', 2016, '100.01'],
        ['B', 2016, '100.01'],
        ['C', 2016, '100.01'],
      ] as [string, number, string][],
      total: '120.01',
      shares: ['40.01', '40.00', '40.00'],
    },
    {
      name: '0.40 × 100.01 × 4 = 160.016 → 160.02; two fen left, all tied → the first two claims',
      list: [
        ['A', 2016, '100.01'],
        ['B', 2016, '100.01'],
        ['C', 2016, '100.01'],
        ['D', 2016, '100.01'],
      ] as [string, number, string][],
      total: '160.02',
      shares: ['40.01', '40.01', '40.00', '40.00'],
    },
    {
      name: '0.40 × 0.01 × 2 = 0.008 → 0.01; floors 0.00 + 0.00, one fen, tie → the first claim',
      list: [
        ['A', 2016, '0.01'],
        ['B', 2016, '0.01'],
      ] as [string, number, string][],
      total: '0.01',
      shares: ['0.01', '0.00'],
    },
    {
      name: 'one person, 2015 IIT 10.03 → 4.012 and 2016 IIT 10.04 → 4.016; 8.028 → 8.03; floors 4.01 + 4.01; the fen to 2016 (0.6 > 0.2)',
      list: [
        ['A', 2015, '10.03'],
        ['A', 2016, '10.04'],
      ] as [string, number, string][],
      total: '8.03',
      shares: ['4.01', '4.02'],
    },
  ]) {
    t.test(`talent: ${name}`, async (t) => {
      const o = outcome(run(talents(list), { measures: ['talent-iit-reward'] }), 'talent-iit-reward')
      t.equal(o.status, 'eligible')
      t.equal(o.amount, total, 'the outcome amount, rounded once')
      const items = o.details.items as { personId: string; year: number; amount: string }[]
      t.same(
        items.map((i) => i.amount),
        shares,
        'each item exactly (not a substring match)',
      )
      t.equal(
        items.reduce((s, i) => s + parseFen(i.amount), 0n),
        parseFen(total),
        'the items sum to the outcome amount',
      )
      const claims = o.ledger.filter((c) => c.kind === 'once')
      t.same(
        claims.map((c) => [c.subject, c.item, c.amount]),
        list.map(([personId, year], k) => [
          { ledger: 'talent-award-year', personId },
          String(year),
          shares[k],
        ]),
        'one ledger entry per person-year, with its share',
      )
      t.equal(
        claims.reduce((s, c) => s + parseFen(c.amount!), 0n),
        parseFen(total),
        'the ledger entries sum to the outcome amount',
      )
      t.ok(
        o.trace.notes.some((n) => n.includes('largest remainder')),
        'the trace explains the spread',
      )
    })
  }
})

t.test('ruling 6: a parameter set to null ends its rule, gates included', async (t) => {
  const copper = qujing('2015-06-01', {
    buildType: 'new-build',
    industryCode: 'C3211',
    capacityProduct: 'copper-smelting',
    capacity: { newCapacity: '100000', replacedCapacity: '0', selfProducedRawMaterialShare: '0.50' },
  })
  for (const parameter of ['capacityControl.replacementRatio', 'capacityControl.minSelfProducedShare']) {
    t.test(`${parameter} = null: the gate is skipped and its trace says so`, async (t) => {
      const app =
        parameter === 'capacityControl.replacementRatio'
          ? copper
          : qujing('2015-06-01', {
              buildType: 'new-build',
              industryCode: 'C3211',
              capacityProduct: 'copper-smelting',
              capacity: {
                newCapacity: '100000',
                replacedCapacity: '100000',
                selfProducedRawMaterialShare: '0.10',
              },
            })
      const e = run(app, { parameters: { [parameter]: null } })
      const gate = e.gates.find((g) => g.gate === 'capacity-control')!
      t.equal(gate.passed, true, 'skipped, so not failed')
      t.same(gate.reasons, [])
      t.match(
        gate.trace.notes.join('\n'),
        new RegExp(`gate skipped: parameter ${parameter.replace('.', '\\.')}`),
      )
      t.match(
        gate.trace.parameters.find((p) => p.name === parameter),
        { value: null, overridden: true },
      )
      t.ok(e.overriddenParameters.includes(parameter))
      t.equal(outcome(e, 'interest-subsidy').amount, '6000000.00', 'measures decided normally')
      t.ok(
        e.outcomes.every((o) => o.reasons.every((r) => r.code !== 'CAPACITY_CONTROL')),
        'no measure carries CAPACITY_CONTROL',
      )
    })
  }
})

t.test('ruling 5: a tie between claims of different years goes to the earlier claim', async (t) => {
  // 0.40 × 100.01 = 40.004 for each; 80.008 → 80.01; floors 40.00 + 40.00; one fen left, a tie of
  // 0.4 fen: the first claim (X, 2016) gets it, though Y's year (2015) is decided first.
  const application: Application = {
    applicationDate: '2017-03-01',
    enterprise: { creditCode: '91530100216543210J', name: 'Kunming Machine Tool Co.' },
    project: project({
      id: 'p-machine-1',
      industryCode: 'C34',
      prefecture: 'kunming',
      park: { id: 'park-1', name: 'Yangzonghai Industrial Park', level: 'provincial' },
    }),
    claims: {
      talents: [
        {
          personId: 'X',
          name: 'X',
          role: 'executive',
          designatedExcellent: true,
          year: 2016,
          individualIncomeTax: '100.01',
        },
        {
          personId: 'Y',
          name: 'Y',
          role: 'executive',
          designatedExcellent: true,
          year: 2015,
          individualIncomeTax: '100.01',
        },
      ],
    },
  }
  const o = outcome(run(application, { measures: ['talent-iit-reward'] }), 'talent-iit-reward')
  t.equal(o.amount, '80.01')
  t.same(
    o.ledger.map((c) => (c.kind === 'once' ? [c.subject, c.item, c.amount] : null)),
    [
      [{ ledger: 'talent-award-year', personId: 'X' }, '2016', '40.01'],
      [{ ledger: 'talent-award-year', personId: 'Y' }, '2015', '40.00'],
    ],
  )
})

t.test('ruling 2: a top-3 award year with days already rewarded counts as rewarded', async (t) => {
  const application: Application = {
    applicationDate: '2017-03-01',
    enterprise: {
      creditCode: '91532300MA6M4T5U6X',
      name: 'Chuxiong Biopharma Co.',
      emergingIndustryRanking: { industry: 'biomedicine', year: 2015, rank: 3 },
      taxRecords: [
        { from: '2015-01-01', to: '2015-12-31', vat: '1000000.00', enterpriseIncomeTax: '500000.00' },
        { from: '2016-01-01', to: '2016-04-30', vat: '400000.00' },
        { from: '2016-05-01', to: '2016-12-31', vat: '800000.00', enterpriseIncomeTax: '600000.00' },
      ],
    },
    claims: { top3AwardYear: 2016 },
  }
  const measures: MeasureId[] = ['emerging-top3-tax-reward']
  // nothing rewarded: 0.25 × 400 000 + 0.50 × 800 000 + 0.40 × 600 000 = 740 000; 2015: 450 000 → 290 000
  t.match(outcome(run(application, { measures }), 'emerging-top3-tax-reward'), {
    status: 'eligible',
    amount: '290000.00',
  })
  for (const [from, to] of [
    ['2016-01-01', '2016-12-31'],
    ['2016-01-01', '2016-06-30'],
    ['2016-12-31', '2016-12-31'],
  ]) {
    const o = outcome(
      run(application, {
        measures,
        history: {
          rewardedTaxDays: [{ measure: 'emerging-top3-tax-reward', tax: 'vat', from: from!, to: to! }],
        },
      }),
      'emerging-top3-tax-reward',
    )
    t.match(
      o,
      { status: 'ineligible', reasons: [{ code: 'ALREADY_REWARDED' }] },
      `VAT ${from}…${to} rewarded`,
    )
  }
  // days of the year before (the comparison base) or of another reward do not count
  t.match(
    outcome(
      run(application, {
        measures,
        history: {
          rewardedTaxDays: [
            { measure: 'emerging-top3-tax-reward', tax: 'vat', from: '2015-01-01', to: '2015-12-31' },
            { measure: 'startup-tech-sme-tax-reward', tax: 'vat', from: '2016-01-01', to: '2016-12-31' },
          ],
        },
      }),
      'emerging-top3-tax-reward',
    ),
    { status: 'eligible', amount: '290000.00' },
  )
})
