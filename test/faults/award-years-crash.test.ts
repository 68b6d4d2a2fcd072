// The once-per-subject award ledgers after a crash, beside one-time-grant-crash (the R&D platform and
// institute grants): a submission claiming the §18 emerging top-3 reward for 2015 (ledger
// "top3-award-year", keyed by the enterprise and the year), a designated talent's 2015 income-tax
// reward (§19; "talent-award-year", keyed by the person and the year, across all enterprises)
// and a national standard ("standards-award", keyed by its number, across all enterprises; its
// amount unset by default, so needs-review and held), cut while its awards are inserted (ledger_once)
// by each fault of helpers/interrupted-submission.ts (API killed, connections dropped, PostgreSQL
// killed), on both write paths (one statement; one transaction under the locks, taken when a budget
// applies). After each: nothing of it written, the retry with the same key awarded once and replayed
// byte for byte, and then none is awarded again — not under a new key, not to another enterprise
// spelling the person and the standard in the other letter case (ledger keys are folded) — while
// the other enterprise's own top-3 year is its own (§0 "Whose ledger"). The audit chain verifies
// throughout. On a throwaway PostgreSQL cluster, never the shared one.

import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { numberedCreditCode as creditCode, example, swapCase } from '../helpers/fixtures.ts'
import { FAULTS, interruptedSubmissions, refusedFor } from './helpers/interrupted-submission.ts'

const TOP3 = 'emerging-top3-tax-reward'
const TALENT = 'talent-iit-reward'
const STANDARD = 'standards-award'
const top3 = example(TOP3)
const [talent] = example(TALENT).claims!.talents!
const [standard] = example(STANDARD).claims!.standards!

// The store is one statement when no budget applies, one transaction under the locks when one does
// (src/decisions/decide.ts submitApplication): a 2017 budget sends the 2017 applications that way.
const PATHS = [
  { path: 'one statement', applicationDate: '2016-04-01' },
  { path: 'one transaction (a budget applies)', applicationDate: '2017-03-01', budgeted: true },
]

/**
 * The top-3 example's enterprise (examples/, its 2014 and 2015 taxes) under `code` and ranked `rank`,
 * claiming 2015,
 * with the talent example's project and person and the standards example's standard under the ids given.
 */
const claiming = (
  applicationDate: string,
  code: string,
  rank: number,
  personId: string,
  standardId: string,
): Application => ({
  applicationDate,
  enterprise: {
    ...top3.enterprise,
    creditCode: code,
    emergingIndustryRanking: { ...top3.enterprise.emergingIndustryRanking!, rank },
  },
  project: example(TALENT).project!,
  claims: {
    top3AwardYear: 2015,
    talents: [{ ...talent!, personId }],
    standards: [{ ...standard!, id: standardId }],
  },
})

t.test('awards cut mid-write are awarded once, on the retry only', async (t) => {
  const rig = await interruptedSubmissions(t, 'ledger_once', 'new.ledger')
  if (!rig) return
  const { db, submit, interrupted, budget, drawsBudget, verify } = rig
  await budget(2017, [TOP3, TALENT, STANDARD])

  let enterprises = 0
  for (const [i, { path, applicationDate, budgeted }] of PATHS.entries()) {
    for (const fault of FAULTS) {
      await t.test(`${path}, ${fault}`, async (t) => {
        const own = creditCode(++enterprises)
        const other = creditCode(++enterprises)
        const personId = `talent-${i}-${fault}`
        const standardId = `GB/T ${i}-${fault}-2015`
        const facts = claiming(applicationDate, own, 2, personId, standardId)
        const retry = await interrupted(t, fault, facts, `awards-${i}-${fault}`, '^talent-award-year$')
        // §18: 100 % of the local taxes' increase, (0.25 × 10 000 000.00 + 0.40 × 6 000 000.00) −
        // (0.25 × 8 000 000.00 + 0.40 × 5 000 000.00) = 900 000.00; §19: the local share of the
        // talent's 2015 income tax, 0.40 × 250 000.00 = 100 000.00.
        t.match(retry.outcome(TOP3), { status: 'eligible', amount: '900000.00' }, 'the top-3 year awarded')
        t.match(retry.outcome(TALENT), { status: 'eligible', amount: '100000.00' }, "the talent's year too")
        t.match(
          retry.outcome(STANDARD),
          { status: 'needs-review', amount: null, reasons: [{ code: 'AMOUNT_NOT_SET' }] },
          'the standard held for the amount the province sets',
        )
        t.equal(await drawsBudget(retry.decisionId), budgeted === true, `stored on the path of ${path}`)

        const again = await submit(facts)
        refusedFor(
          t,
          'the same claims under a new key',
          again,
          [TOP3, TALENT],
          'ALREADY_REWARDED',
          retry.decisionId,
        )
        refusedFor(
          t,
          'the same claims under a new key',
          again,
          [STANDARD],
          'ALREADY_CLAIMED',
          retry.decisionId,
        )
        const copycat = await submit(
          claiming(applicationDate, other, 3, swapCase(personId), swapCase(standardId)),
        )
        refusedFor(
          t,
          'another enterprise, the ids in the other letter case',
          copycat,
          [TALENT],
          'ALREADY_GRANTED',
          retry.decisionId,
        )
        refusedFor(
          t,
          'another enterprise, the ids in the other letter case',
          copycat,
          [STANDARD],
          'ALREADY_CLAIMED',
          retry.decisionId,
        )
        t.match(
          copycat.outcome(TOP3),
          { status: 'eligible', amount: '900000.00' },
          "the other enterprise's own top-3 year is its own",
        )

        const awards = await db.query<{ ledger: string; key: string; item: string; decision_id: string }>(
          `select ledger, key, item, decision_id from ledger_once where key in ($1, $2, $3, $4)
           order by ledger, key`,
          [own, other, personId.toUpperCase(), standardId.toUpperCase()],
        )
        t.same(
          awards.rows,
          [
            { ledger: STANDARD, key: standardId.toUpperCase(), item: '', decision_id: retry.decisionId },
            {
              ledger: 'talent-award-year',
              key: personId.toUpperCase(),
              item: '2015',
              decision_id: retry.decisionId,
            },
            ...[
              { key: own, decision_id: retry.decisionId },
              { key: other, decision_id: copycat.decisionId },
            ]
              .sort((a, b) => a.key.localeCompare(b.key))
              .map((r) => ({
                ledger: 'top3-award-year',
                key: r.key,
                item: '2015',
                decision_id: r.decision_id,
              })),
          ],
          'each awarded once, to the retry; the other enterprise its own top-3 year',
        )
      })
    }
  }
  t.equal(await verify(), true, 'the audit chain verifies')
})
