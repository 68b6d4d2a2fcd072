// Money paid once, through the API (POLICY.md §0, rulings of 2026-12-03): every tax day rewarded
// once, project caps per enterprise, official identifiers once across enterprises, events counted
// once they happened, crude-steel expansions barred, and the enterprise ledger read.

import { sql } from 'kysely'
import t from 'tap'
import { bearer, deepProcessing, ENTERPRISE_A, ENTERPRISE_B } from '../helpers/fixtures.ts'
import { example, ledgerClient } from '../helpers/ledger-client.ts'

t.test('ledgers', async (t) => {
  const { database, app, keys, submit, outcome } = await ledgerClient(t)

  t.test('a tax day is rewarded once (POLICY.md §5 example 3, submitted again)', async (t) => {
    const facts = example('emerging-project-tax-reward')
    const first = await submit(facts)
    t.match(outcome(first, 'emerging-project-tax-reward'), { status: 'eligible', amount: '450000.00' })
    const again = await submit(facts)
    const o = outcome(again, 'emerging-project-tax-reward')
    t.match(o, { status: 'ineligible', amount: null, reasons: [{ code: 'ALREADY_REWARDED' }] })
    t.match(
      o.reasons[0]!.message.en,
      first.decisionId,
      'the reason names the decision that rewarded the days',
    )
    t.ok(
      o.trace.conditions.some((c) => c.id.startsWith('days-not-yet-rewarded') && !c.holds),
      'the trace shows the days already rewarded',
    )
    t.same(o.ledger, [], 'nothing claimed')

    // The rest of 2016 is new: only its days are paid (VAT 0.25 until 2016-04-30, then 0.50).
    const later = await submit({
      ...facts,
      applicationDate: '2017-02-01',
      project: {
        ...facts.project!,
        taxRecords: [
          ...facts.project!.taxRecords!,
          { from: '2016-01-01', to: '2016-04-30', vat: '600000.00' },
          { from: '2016-05-01', to: '2016-12-31', vat: '1200000.00' },
        ],
      },
    })
    // 0.5 × (0.25 × 600 000 + 0.50 × 1 200 000) = 0.5 × 750 000 = 375 000.00; 2015 not again.
    t.match(outcome(later, 'emerging-project-tax-reward'), { status: 'eligible', amount: '375000.00' })
  })

  t.test('days partly rewarded are paid pro rata for the days left', async (t) => {
    const facts = example('startup-tech-sme-tax-reward')
    const records = facts.enterprise.taxRecords!
    const firstHalf = await submit({
      ...facts,
      enterprise: { ...facts.enterprise, taxRecords: records.slice(0, 1) },
    })
    t.equal(outcome(firstHalf, 'startup-tech-sme-tax-reward').status, 'eligible')
    const whole = await submit(facts)
    const o = outcome(whole, 'startup-tech-sme-tax-reward')
    t.match(o, { status: 'eligible' }, JSON.stringify(o.reasons))
    t.ok(
      o.trace.notes.some((n) => n.includes('already rewarded by decision')),
      'the trace names the decision',
    )
  })

  t.test('a project’s cap is its enterprise’s: two enterprises’ "P-1" do not share one', async (t) => {
    const a = await submit(deepProcessing('P-1', '120000000.00'))
    t.match(outcome(a, 'interest-subsidy'), { amount: '7200000.00' })
    const bFacts = deepProcessing('P-1', '120000000.00')
    bFacts.enterprise = { creditCode: ENTERPRISE_B, name: 'Another enterprise' }
    const b = await submit(bFacts)
    t.match(outcome(b, 'interest-subsidy'), { status: 'eligible', amount: '7200000.00' }, 'B has its own cap')
    const a2 = await submit(deepProcessing('P-1', '80000000.00'))
    t.match(
      outcome(a2, 'interest-subsidy'),
      { status: 'eligible', amount: '2800000.00' },
      'A’s cap: 10 000 000 − 7 200 000',
    )
  })

  t.test('an official identifier is once across enterprises; the second claim names the first', async (t) => {
    const facts = example('rd-platform-grant')
    const first = await submit(facts)
    t.match(outcome(first, 'rd-platform-grant'), { status: 'eligible', amount: '3000000.00' })
    const other = await submit({ ...facts, enterprise: { creditCode: ENTERPRISE_B, name: 'Copycat Co.' } })
    const o = outcome(other, 'rd-platform-grant')
    t.match(o, { status: 'ineligible', reasons: [{ code: 'ALREADY_GRANTED' }] })
    t.match(o.reasons[0]!.message.en, first.decisionId)
    t.match(o.reasons[0]!.message.en, facts.enterprise.creditCode)
  })

  t.test('an event dated after the application is not granted', async (t) => {
    const facts = example('rd-platform-grant')
    const r = await submit({
      ...facts,
      applicationDate: '2015-06-01',
      claims: { rdPlatforms: [{ id: 'future-lab', kind: 'national-lab', recognisedOn: '2030-01-01' }] },
    })
    t.match(outcome(r, 'rd-platform-grant'), {
      status: 'ineligible',
      amount: null,
      reasons: [{ code: 'EVENT_AFTER_APPLICATION' }],
    })
    t.equal(r.body.decisions[0].evaluation.totalAmount, '0.00')
  })

  t.test('a crude-steel expansion fails §6: no interest subsidy', async (t) => {
    const facts = deepProcessing('steel-1', '120000000.00')
    facts.project = { ...facts.project!, capacityProduct: 'crude-steel', buildType: 'expansion' }
    const r = await submit(facts)
    t.match(outcome(r, 'interest-subsidy'), { status: 'ineligible', reasons: [{ code: 'CAPACITY_CONTROL' }] })
  })

  t.test('talent shares: one rounding, ledger entries sum to the outcome', async (t) => {
    const facts = example('talent-iit-reward')
    const talent = facts.claims!.talents![0]!
    const r = await submit({
      ...facts,
      claims: {
        talents: ['t-a', 't-b', 't-c'].map((personId) => ({
          ...talent,
          personId,
          individualIncomeTax: '10001.01',
        })),
      },
    })
    const o = outcome(r, 'talent-iit-reward')
    // 0.40 × 10 001.01 = 4 000.404 each; 3 × 4 000.404 = 12 001.212 → 12 001.21
    t.match(o, { status: 'eligible', amount: '12001.21' })
    const entries = await sql<{ sum: string }>`
      select sum(amount)::numeric(18, 2)::text as sum from ledger_entries where decision_id = ${r.decisionId}
        and ledger = 'talent-award-year'`.execute(database.db)
    t.equal(entries.rows[0]!.sum, '12001.21', 'the person-years’ entries sum to the amount paid')
  })

  t.test('an enterprise’s ledger', async (t) => {
    const read = (creditCode: string, key: string) =>
      app.inject({ url: `/v1/enterprises/${creditCode}/ledger`, headers: bearer(key) })
    const own = await read(ENTERPRISE_A, keys.enterpriseA)
    t.equal(own.statusCode, 200)
    const ledger = own.json()
    t.match(ledger.caps, [
      {
        subject: { ledger: 'interest-subsidy', creditCode: ENTERPRISE_A, projectId: 'P-1' },
        total: '10000000.00',
        remaining: '0.00',
      },
    ])
    t.equal((await read(ENTERPRISE_B, keys.enterpriseA)).statusCode, 404, 'another enterprise’s ledger: 404')
    t.equal((await read(ENTERPRISE_B, keys.finance)).statusCode, 200, 'finance reads any')
    const audited = (await read(ENTERPRISE_B, keys.auditor)).json()
    t.match(audited.caps, [{ subject: { creditCode: ENTERPRISE_B, projectId: 'P-1' }, total: '7200000.00' }])
    t.equal(
      (await app.inject({ url: `/v1/enterprises/${ENTERPRISE_A}/ledger` })).statusCode,
      401,
      'no key: 401',
    )
    t.equal((await read('not-a-code', keys.finance)).statusCode, 400)

    const emerging = example('emerging-project-tax-reward').enterprise.creditCode
    const days = (await read(emerging, keys.finance)).json().rewardedDays as {
      subject: { tax: string }
      from: string
      to: string
      days: number
    }[]
    t.same(
      days.map((d) => [d.subject.tax, d.from, d.to, d.days]),
      [
        ['enterpriseIncomeTax', '2015-01-01', '2015-12-31', 365],
        ['vat', '2015-01-01', '2015-12-31', 365],
        ['vat', '2016-01-01', '2016-04-30', 121],
        ['vat', '2016-05-01', '2016-12-31', 245],
      ],
      'each tax day once, per tax',
    )
  })

  t.test('a null override of a gate parameter skips the gate (no 500)', async (t) => {
    const facts = deepProcessing('p-gate', '1000000.00')
    facts.project = {
      ...facts.project!,
      capacityProduct: 'copper-smelting',
      buildType: 'new-build',
      capacity: { newCapacity: '100000', replacedCapacity: '100000', selfProducedRawMaterialShare: '0.60' },
    }
    const r = await app.inject({
      method: 'POST',
      url: '/v1/evaluations?explain=full',
      headers: { 'accept-language': 'en' },
      payload: { application: facts, parameters: { 'capacityControl.replacementRatio': null } },
    })
    t.equal(r.statusCode, 200, r.body)
    const gate = r.json().gates.find((g: { gate: string }) => g.gate === 'capacity-control')
    t.ok(
      gate.trace.notes.some((n: string) => n.includes('gate skipped')),
      'the trace says the gate was skipped',
    )
  })
})
