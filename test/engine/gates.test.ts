import t from 'tap'
import { evaluate } from '../../src/engine/evaluate.ts'
import { GATES } from '../../src/engine/gates/index.ts'
import { DEFAULT_PARAMETERS } from '../../src/engine/parameters/index.ts'
import { RULESET } from '../../src/engine/ruleset.ts'
import type { Application, Project } from '../../src/engine/types.ts'

const application = (project: Partial<Project>): Application => ({
  applicationDate: '2015-06-01',
  enterprise: { creditCode: '91530300MA6K5A1B2G', name: 'Qujing Industrial Co.' },
  project: {
    id: 'p-1',
    name: 'Plant',
    buildType: 'new-build',
    industryCode: 'C2611',
    policyClass: 'encouraged',
    meetsAccessConditions: true,
    prefecture: 'qujing',
    inCentralYunnanZone: false,
    ...project,
  },
})

t.test('gates run in the order of POLICY.md §1: negative list, then capacity control', async (t) => {
  t.same(
    GATES.map((g) => [g.id, g.clause, g.reasonCode]),
    [
      ['negative-list', '§17', 'NEGATIVE_LIST'],
      ['capacity-control', '§6', 'CAPACITY_CONTROL'],
    ],
  )
})

t.test('a negative-listed project incurs the four consequences of §17', async (t) => {
  const result = evaluate(application({ policyClass: 'restricted' }))
  const gate = result.gates.find((g) => g.gate === 'negative-list')!
  t.equal(gate.passed, false)
  t.same(gate.consequences, ['no-project-approval', 'no-land-supply', 'no-environmental-review', 'no-loans'])
  t.same(
    gate.reasons.map((r) => r.code),
    ['RESTRICTED_NEW_BUILD'],
  )
  t.match(gate.trace.notes.join('\n'), /立项禁批.*用地禁供.*环保禁评.*金融禁贷/)
  t.ok(
    gate.trace.parameters.some((p) => p.name === 'negativeList.newBuildDeniedClasses'),
    'the parameter read is in the trace',
  )
  t.match(
    gate.trace.conditions.find((c) => c.id === 'not-restricted-new-build'),
    { holds: false, input: { buildType: 'new-build', policyClass: 'restricted' } },
  )
  for (const outcome of result.outcomes) {
    t.equal(outcome.status, 'ineligible', `${outcome.measure} ineligible`)
    t.equal(outcome.reasons[0]?.code, 'NEGATIVE_LIST', `${outcome.measure} reason NEGATIVE_LIST first`)
  }
})

t.test('a project that passes has no consequences, and both gates are reported', async (t) => {
  const result = evaluate(application({}))
  t.same(
    result.gates.map((g) => [g.gate, g.passed, g.consequences]),
    [
      ['negative-list', true, []],
      ['capacity-control', true, []],
    ],
  )
})

t.test('capacity control: the trace shows the comparison with exact values', async (t) => {
  const result = evaluate(
    application({
      capacityProduct: 'copper-smelting',
      capacity: { newCapacity: '100000', replacedCapacity: '100000', selfProducedRawMaterialShare: '0.4999' },
    }),
  )
  const gate = result.gates.find((g) => g.gate === 'capacity-control')!
  t.equal(gate.passed, false)
  t.same(gate.consequences, [])
  t.match(gate.trace.conditions, [
    { id: 'controlled-new-build', holds: true },
    { id: 'meets-access-conditions', holds: true },
    { id: 'capacity-replaced', holds: true, input: '100000', threshold: '100000' },
    { id: 'self-produced-share', holds: false, input: '0.4999', threshold: '0.5' },
  ])
  t.match(gate.reasons, [{ code: 'SELF_PRODUCED_SHARE_TOO_LOW', message: { en: /0\.4999 < 0\.5/ } }])
  t.equal(result.outcomes[0]?.reasons[0]?.code, 'CAPACITY_CONTROL')
})

t.test('capacity control: missing facts are named', async (t) => {
  const gate = GATES[1]!.evaluate(
    application({
      capacityProduct: 'copper-smelting',
      capacity: { newCapacity: '1', replacedCapacity: '1' },
    }),
    '2015-06-01',
    DEFAULT_PARAMETERS,
    RULESET.version,
  )
  t.match(gate, {
    passed: false,
    reasons: [{ code: 'MISSING_INPUT', field: '/project/capacity/selfProducedRawMaterialShare' }],
  })
  const none = GATES[1]!.evaluate(
    application({ capacityProduct: 'coke' }),
    '2015-06-01',
    DEFAULT_PARAMETERS,
    RULESET.version,
  )
  t.match(none.reasons[0]?.message.en, /newCapacity, \/project\/capacity\/replacedCapacity/)
})

t.test('the 2017 province-wide capacity caps are parameters of §6', async (t) => {
  const caps = DEFAULT_PARAMETERS.definitions().filter((d) => d.name.startsWith('capacityControl.cap2017.'))
  t.equal(caps.length, 11)
  t.equal(DEFAULT_PARAMETERS.lookup('capacityControl.cap2017.copper', '2017-12-31')?.value, 500_000)
  t.equal(
    DEFAULT_PARAMETERS.lookup('capacityControl.cap2017.cementClinker', '2017-12-31')?.value,
    120_000_000,
  )
  t.equal(
    DEFAULT_PARAMETERS.lookup('capacityControl.cap2017.coalFiredPublicPower', '2017-12-31')?.value,
    15_000_000,
  )
  t.ok(caps.every((d) => d.clause === '§6'))
})

t.test('an application without a project passes both gates with nothing to test', async (t) => {
  const app: Application = { applicationDate: '2015-06-01', enterprise: application({}).enterprise }
  for (const gate of GATES)
    t.match(gate.evaluate(app, '2015-06-01', DEFAULT_PARAMETERS, RULESET.version), {
      passed: true,
      reasons: [],
    })
})
