// The tax-days ledger after a crash (POLICY.md §0, ruling of 2026-12-03 "A tax period is rewarded
// once"; §18 emerging-project tax reward): a submission whose decision rewards a project's 2015 tax
// days, cut while its days are inserted (ledger_periods) by each fault of
// helpers/interrupted-submission.ts (API killed, connections dropped, PostgreSQL killed), on both write
// paths (one statement; one transaction under the locks, taken when a budget applies). After each:
// nothing of it written, the retry with the same key rewarded once and replayed byte for byte, and
// then the days are not rewarded again — not under a new key, not under the project id in the other
// letter case (ledger keys are folded) — while days not yet rewarded are, and another enterprise's
// project of the same id is its own (§0 "Whose ledger"). The same for the §18 startup tech-SME reward,
// whose days are the enterprise's (scope: the enterprise, not a project): cut mid-write, rewarded once on
// the retry, not again under a new key, while days not yet rewarded are and another enterprise's
// taxes are its own. The audit chain verifies throughout. On a throwaway PostgreSQL cluster, never the
// shared one.

import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { ENTERPRISE_B, example, numberedCreditCode, swapCase } from '../helpers/fixtures.ts'
import {
  FAULTS,
  interruptedSubmissions,
  refusedFor,
  type Submitted,
} from './helpers/interrupted-submission.ts'

const MEASURE = 'emerging-project-tax-reward'
// POLICY.md §5 ex. 3: VAT 2 000 000.00 and EIT 1 000 000.00 for 2015 → 0.25 × 2 000 000.00 +
// 0.40 × 1 000 000.00 = 900 000.00 local taxes → 50 % = 450 000.00.
const EXAMPLE = example(MEASURE)
const REWARD = '450000.00'

// The store is one statement when no budget applies, one transaction under the locks when one does
// (src/decisions/decide.ts submitApplication): a 2017 budget sends the 2017 applications that way.
// POLICY.md §5 / examples/: registered 2015-03-01, a certified tech SME, taxes inside its 36-month
// startup stage: 0.25 × 120 000.00 + 0.40 × 30 000.00 (2015-03-01..12-31) + 0.25 × 80 000.00 +
// 1.00 × 5 000.00 business tax (2016-01-01..04-30) = 67 000.00 local taxes → 50 % = 33 500.00.
const STARTUP = 'startup-tech-sme-tax-reward'
const STARTUP_EXAMPLE = example(STARTUP)
const STARTUP_REWARD = '33500.00'

const PATHS = [
  { path: 'one statement', applicationDate: '2016-03-01' },
  { path: 'one transaction (a budget applies)', applicationDate: '2017-03-01', budgeted: true },
]

t.test('tax days cut mid-write are rewarded once, on the retry only', async (t) => {
  const rig = await interruptedSubmissions(t, 'ledger_periods', 'new.ledger')
  if (!rig) return
  const { db, submit, interrupted, budget, drawsBudget, verify } = rig
  /** The rewarded days of the ledger_periods rows `where` picks: [credit code, tax, days], sorted. */
  const rewardedDays = async (where: string, params: string[]) =>
    (
      await db.query<{ credit_code: string; key: string; days: string }>(
        `select credit_code, key, string_agg(from_date || '..' || to_date, ' ' order by from_date) as days
         from ledger_periods where ${where} group by credit_code, key`,
        params,
      )
    ).rows
      // the key's last part is the tax (a startup reward's scope part is the SQL NULL of no project)
      .map((r) => [r.credit_code, /"([^"]+)"\]$/.exec(r.key)?.[1], r.days])
      .sort()
  await budget(2017, [MEASURE, STARTUP])

  for (const [i, { path, applicationDate, budgeted }] of PATHS.entries()) {
    for (const fault of FAULTS) {
      await t.test(`${path}, ${fault}`, async (t) => {
        const projectId = `km-panels-${i}-${fault}`
        const facts: Application = {
          ...EXAMPLE,
          applicationDate,
          project: { ...EXAMPLE.project!, id: projectId },
        }
        const retry = await interrupted(t, fault, facts, `tax-days-${i}-${fault}`, '^tax-days$')
        t.match(retry.outcome(MEASURE), { status: 'eligible', amount: REWARD }, 'the 2015 days rewarded')
        t.equal(await drawsBudget(retry.decisionId), budgeted === true, `stored on the path of ${path}`)

        const refused = (what: string, again: Submitted) =>
          refusedFor(t, what, again, [MEASURE], 'ALREADY_REWARDED', retry.decisionId)
        refused('the same days under a new key', await submit(facts))
        refused(
          'the same days, the project id in the other letter case',
          await submit({ ...facts, project: { ...facts.project!, id: swapCase(projectId) } }),
        )
        // Days not yet rewarded are (pro rata by days, §0 "Dates and periods"): of July 2015 to
        // January 2016, only January, 0.25 × 100 000.00 × 50 % = 12 500.00.
        const later = await submit({
          ...facts,
          project: {
            ...facts.project!,
            taxRecords: [
              { from: '2015-07-01', to: '2015-12-31', vat: '1000000.00' },
              { from: '2016-01-01', to: '2016-01-31', vat: '100000.00' },
            ],
          },
        })
        t.match(later.outcome(MEASURE), { status: 'eligible', amount: '12500.00' }, 'only the new days')
        // §0 "Whose ledger": project ids are the enterprise's own labels.
        const other = await submit({ ...facts, enterprise: { creditCode: ENTERPRISE_B, name: 'Other Co.' } })
        t.match(
          other.outcome(MEASURE),
          { status: 'eligible', amount: REWARD },
          "another enterprise's project of the same id: its own taxes",
        )

        const days = await rewardedDays('key like $1', [`%${projectId.toUpperCase()}%`])
        const own = EXAMPLE.enterprise.creditCode
        t.same(
          days,
          [
            [own, 'ENTERPRISEINCOMETAX', '2015-01-01..2015-12-31'],
            [own, 'VAT', '2015-01-01..2015-12-31 2016-01-01..2016-01-31'],
            [ENTERPRISE_B, 'ENTERPRISEINCOMETAX', '2015-01-01..2015-12-31'],
            [ENTERPRISE_B, 'VAT', '2015-01-01..2015-12-31'],
          ].sort(),
          'each day of each tax rewarded once, under its enterprise',
        )
      })
    }
  }

  let enterprises = 0
  for (const [i, { path, applicationDate, budgeted }] of PATHS.entries()) {
    for (const fault of FAULTS) {
      await t.test(`startup days (the enterprise's), ${path}, ${fault}`, async (t) => {
        const own = numberedCreditCode(++enterprises)
        const facts: Application = {
          ...STARTUP_EXAMPLE,
          applicationDate: budgeted ? applicationDate : STARTUP_EXAMPLE.applicationDate,
          enterprise: { ...STARTUP_EXAMPLE.enterprise, creditCode: own },
        }
        const retry = await interrupted(t, fault, facts, `startup-days-${i}-${fault}`, '^tax-days$')
        t.match(retry.outcome(STARTUP), { status: 'eligible', amount: STARTUP_REWARD }, 'the days rewarded')
        t.equal(await drawsBudget(retry.decisionId), budgeted === true, `stored on the path of ${path}`)

        refusedFor(
          t,
          'the same days under a new key',
          await submit(facts),
          [STARTUP],
          'ALREADY_REWARDED',
          retry.decisionId,
        )
        // May 2016, not yet rewarded: VAT's local share is 0.50 from 2016-05-01 (§0), so
        // 0.50 × 10 000.00 × 50 % = 2 500.00.
        const later = await submit({
          ...facts,
          enterprise: {
            ...facts.enterprise,
            taxRecords: [
              ...facts.enterprise.taxRecords!,
              { from: '2016-05-01', to: '2016-05-31', vat: '10000.00' },
            ],
          },
        })
        t.match(later.outcome(STARTUP), { status: 'eligible', amount: '2500.00' }, 'only the new days')
        const other = numberedCreditCode(++enterprises)
        const theirs = await submit({ ...facts, enterprise: { ...facts.enterprise, creditCode: other } })
        t.match(
          theirs.outcome(STARTUP),
          { status: 'eligible', amount: STARTUP_REWARD },
          "another enterprise's days: its own taxes",
        )

        const days = await rewardedDays('credit_code in ($1, $2)', [own, other])
        const rewarded = (code: string, may: boolean) => [
          [code, 'BUSINESSTAX', '2016-01-01..2016-04-30'],
          [code, 'ENTERPRISEINCOMETAX', '2015-03-01..2015-12-31'],
          [
            code,
            'VAT',
            `2015-03-01..2015-12-31 2016-01-01..2016-04-30${may ? ' 2016-05-01..2016-05-31' : ''}`,
          ],
        ]
        t.same(
          days,
          [...rewarded(own, true), ...rewarded(other, false)].sort(),
          'each day of each tax rewarded once, under its enterprise',
        )
      })
    }
  }
  t.equal(await verify(), true, 'the audit chain verifies')
})
