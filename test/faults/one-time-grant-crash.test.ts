// The one-time-grant ledger after a crash (POLICY.md §18 R&D platform grant "once per platform per
// tier" and research-institute award "once per institute"; §0, ruling of 2026-12-03 "Whose ledger":
// official identifiers are once across all enterprises): a submission claiming a newly recognised
// national engineering research centre (§5 ex. 4, 3 000 000.00) and a founded research institute
// (1 000 000.00), cut while its grants are inserted (ledger_once) by each fault of
// helpers/interrupted-submission.ts (API killed, connections dropped, PostgreSQL killed), on both write
// paths (one statement; one transaction under the locks, taken when a budget applies). After each:
// nothing of it written, the retry with the same key granted once and replayed byte for byte, and
// then neither grant is made again — not under a new key, not to another enterprise spelling the ids
// in the other letter case (ledger keys are folded): ALREADY_GRANTED naming the retry's decision.
// The audit chain verifies throughout. On a throwaway PostgreSQL cluster, never the shared one.

import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { ENTERPRISE_B, example, swapCase } from '../helpers/fixtures.ts'
import {
  FAULTS,
  interruptedSubmissions,
  refusedFor,
  type Submitted,
} from './helpers/interrupted-submission.ts'

const PLATFORM = 'rd-platform-grant'
const INSTITUTE = 'research-institute-award'
const [platform] = example(PLATFORM).claims!.rdPlatforms!
const [institute] = example(INSTITUTE).claims!.researchEvents!
const ENTERPRISE = example(PLATFORM).enterprise

// The store is one statement when no budget applies, one transaction under the locks when one does
// (src/decisions/decide.ts submitApplication): a 2016 budget sends the 2016 applications that way.
// Both dates are after the platform's recognition and the institute's founding (§0 "Events count
// only once they have happened").
const PATHS = [
  { path: 'one statement', applicationDate: '2015-11-01' },
  { path: 'one transaction (a budget applies)', applicationDate: '2016-02-01', budgeted: true },
]

const claiming = (applicationDate: string, platformId: string, instituteId: string): Application => ({
  applicationDate,
  enterprise: ENTERPRISE,
  claims: {
    rdPlatforms: [{ ...platform!, id: platformId }],
    researchEvents: [{ ...institute!, id: instituteId }],
  },
})

t.test('one-time grants cut mid-write are granted once, on the retry only', async (t) => {
  const rig = await interruptedSubmissions(t, 'ledger_once', 'new.ledger')
  if (!rig) return
  const { db, submit, interrupted, budget, drawsBudget, verify } = rig
  await budget(2016, [PLATFORM, INSTITUTE])

  for (const [i, { path, applicationDate, budgeted }] of PATHS.entries()) {
    for (const fault of FAULTS) {
      await t.test(`${path}, ${fault}`, async (t) => {
        const platformId = `nerc-rare-metals-${i}-${fault}`
        const instituteId = `plant-extracts-institute-${i}-${fault}`
        const facts = claiming(applicationDate, platformId, instituteId)
        const retry = await interrupted(t, fault, facts, `grant-${i}-${fault}`, '^rd-platform-grant$')
        t.match(retry.outcome(PLATFORM), { status: 'eligible', amount: '3000000.00' }, 'the platform granted')
        t.match(retry.outcome(INSTITUTE), { status: 'eligible', amount: '1000000.00' }, 'the institute too')
        t.equal(await drawsBudget(retry.decisionId), budgeted === true, `stored on the path of ${path}`)

        const refused = (what: string, again: Submitted) =>
          refusedFor(t, what, again, [PLATFORM, INSTITUTE], 'ALREADY_GRANTED', retry.decisionId)
        refused('the same claims under a new key', await submit(facts))
        refused(
          'another enterprise, the ids in the other letter case',
          await submit({
            ...claiming(applicationDate, swapCase(platformId), swapCase(instituteId)),
            enterprise: { creditCode: ENTERPRISE_B, name: 'Copycat Co.' },
          }),
        )

        const grants = await db.query<{
          ledger: string
          key: string
          decision_id: string
          credit_code: string
        }>(
          `select ledger, key, decision_id, credit_code from ledger_once where key in ($1, $2) order by ledger`,
          [platformId.toUpperCase(), instituteId.toUpperCase()],
        )
        t.same(
          grants.rows,
          [
            {
              ledger: PLATFORM,
              key: platformId.toUpperCase(),
              decision_id: retry.decisionId,
              credit_code: ENTERPRISE.creditCode,
            },
            {
              ledger: INSTITUTE,
              key: instituteId.toUpperCase(),
              decision_id: retry.decisionId,
              credit_code: ENTERPRISE.creditCode,
            },
          ],
          'each granted once, to the retry',
        )
      })
    }
  }
  t.equal(await verify(), true, 'the audit chain verifies')
})
