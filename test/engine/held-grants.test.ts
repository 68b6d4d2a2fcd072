// A one-time grant held by a decision that is still waiting (ruleset 1.6.0: an unfunded outcome; from
// 1.5.0 a standards award awaiting the province's amount) is recorded without an amount. A second
// claim of it is ALREADY_CLAIMED naming that decision — not ALREADY_GRANTED, since nothing was paid —
// for the platform grant, the research-institute award, the talent reward and the top-3 reward alike
// (src/engine/one-time-grants.ts heldBy). A 1.5.0 decision replays with the words it was decided with.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { evaluate } from '../../src/engine/evaluate.ts'
import type { History, LedgerName } from '../../src/engine/ledgers.ts'
import { foldKey } from '../../src/engine/ledgers.ts'
import type { RulesetVersion } from '../../src/engine/ruleset.ts'
import type { Application, MeasureId } from '../../src/engine/types.ts'

const example = (name: string) =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'examples', `${name}.json`), 'utf8')) as {
      application: Application
    }
  ).application

/** A hold by decision "d-waiting" of another enterprise: once, without an amount. */
const heldHistory = (ledger: LedgerName, key: string, item: string): History => ({
  grants: [
    {
      ledger,
      key: foldKey(ledger, key),
      kind: 'once',
      item,
      period: null,
      amount: null,
      decisionId: 'd-waiting',
      creditCode: '91530100MA6N0E1A36',
    },
  ],
})

const cases: [MeasureId, Application, History][] = (() => {
  const platform = example('rd-platform-grant')
  const p = platform.claims!.rdPlatforms![0]!
  const institute = example('research-institute-award')
  const talent = example('talent-iit-reward')
  const person = talent.claims!.talents![0]!
  const top3 = example('emerging-top3-tax-reward')
  return [
    [
      'rd-platform-grant',
      platform,
      heldHistory('rd-platform-grant', p.id, p.kind.startsWith('national') ? 'national' : 'provincial'),
    ],
    [
      'research-institute-award',
      institute,
      heldHistory('research-institute-award', institute.claims!.researchEvents![0]!.id, ''),
    ],
    ['talent-iit-reward', talent, heldHistory('talent-award-year', person.personId, String(person.year))],
    [
      'emerging-top3-tax-reward',
      top3,
      heldHistory('top3-award-year', top3.enterprise.creditCode, String(top3.claims!.top3AwardYear)),
    ],
  ]
})()

t.test('a held one-time grant is ALREADY_CLAIMED from 1.6.0, as it was decided before', async (t) => {
  for (const [measure, application, history] of cases) {
    const decide = (ruleset?: RulesetVersion) =>
      evaluate(application, { measures: [measure], history, ...(ruleset ? { ruleset } : {}) }).outcomes[0]!
    const now = decide()
    t.match(now, { status: 'ineligible', amount: null }, `${measure}: not paid`)
    t.match(
      now.reasons,
      [
        {
          code: 'ALREADY_CLAIMED',
          message: {
            en: /already claimed by a decision still awaiting its amount or its budget \(decision d-waiting, enterprise 91530100MA6N0E1A36\)/,
            zh: /已由另一决定申报，该决定尚待确定金额或预算拨付（决定d-waiting，企业91530100MA6N0E1A36）/,
          },
        },
      ],
      `${measure}: claimed by the waiting decision, not granted`,
    )
    // top-3: its own enterprise's award-year, which 1.5.0 called ALREADY_REWARDED
    t.match(
      decide('1.5.0').reasons,
      [{ code: measure === 'emerging-top3-tax-reward' ? 'ALREADY_REWARDED' : 'ALREADY_GRANTED' }],
      `${measure}: 1.5.0 replays its words`,
    )
  }
})
