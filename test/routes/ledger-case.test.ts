// Money paid once whatever the letter case of an identifier (ruleset 1.5.0, src/engine/ledgers.ts
// foldKey): a platform, an institute, a person, a project's tax days and a project's interest-subsidy
// cap, each spelled once in upper and once in lower case, through the API. Before, each spelling was
// its own subject and was paid again.

import { sql } from 'kysely'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { deepProcessing, ENTERPRISE_A, ENTERPRISE_B } from '../helpers/fixtures.ts'
import { example, ledgerClient } from '../helpers/ledger-client.ts'

t.test('ledger identifiers without letter case', async (t) => {
  const { database, submit, outcome } = await ledgerClient(t)

  // Each of these had been granted again under the other spelling. (The §18 standards award has no
  // amount in the source: it is needs-review, and claims nothing, under any spelling.)
  const swapCase = (id: string) =>
    [...id].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')
  const cases: [measure: string, respell: (f: Application) => Application, code: string][] = [
    [
      'rd-platform-grant',
      (f) => ({
        ...f,
        claims: { rdPlatforms: f.claims!.rdPlatforms!.map((p) => ({ ...p, id: swapCase(p.id) })) },
      }),
      'ALREADY_GRANTED',
    ],
    [
      'research-institute-award',
      (f) => ({
        ...f,
        claims: { researchEvents: f.claims!.researchEvents!.map((e) => ({ ...e, id: swapCase(e.id) })) },
      }),
      'ALREADY_GRANTED',
    ],
    [
      'talent-iit-reward',
      (f) => ({
        ...f,
        claims: { talents: f.claims!.talents!.map((p) => ({ ...p, personId: swapCase(p.personId) })) },
      }),
      'ALREADY_GRANTED',
    ],
    [
      'emerging-project-tax-reward',
      (f) => ({ ...f, project: { ...f.project!, id: swapCase(f.project!.id) } }),
      'ALREADY_REWARDED',
    ],
  ]
  for (const [measure, respell, code] of cases) {
    // fresh ids, so the examples granted by the tests above do not decide this one
    const base = example(measure)
    const fresh = JSON.parse(
      JSON.stringify(base)
        .replaceAll('nerc-rare-metals', 'case-lab-1')
        .replaceAll('chuxiong-plant-extracts-institute', 'case-institute-1')
        .replaceAll('talent-0001', 'case-talent-1')
        .replaceAll('km-display-panels', 'Case-Panels-1'),
    ) as Application
    const first = await submit(fresh)
    t.equal(outcome(first, measure).status, 'eligible', `${measure}: the first spelling is granted`)
    const other = respell(fresh)
    t.notSame(other, fresh, `${measure}: spelled otherwise`)
    const again = await submit(
      measure === 'emerging-project-tax-reward'
        ? other
        : { ...other, enterprise: { creditCode: ENTERPRISE_B, name: 'Copycat Co.' } },
    )
    const o = outcome(again, measure)
    t.match(o, { status: 'ineligible', amount: null, reasons: [{ code }] }, `${measure}: not granted again`)
    t.match(o.reasons[0]!.message.en, first.decisionId, `${measure}: the reason names the first decision`)
    t.same(o.ledger, [], `${measure}: nothing claimed`)
  }

  // A project's interest-subsidy cap (§18: 10 000 000.00 for the project's life; POLICY.md §5 ex. 1–2).
  const a = await submit(deepProcessing('QJ-COPPER-FOIL', '120000000.00'))
  t.match(outcome(a, 'interest-subsidy'), { status: 'eligible', amount: '7200000.00' })
  const lower = await submit(deepProcessing('qj-copper-foil', '120000000.00'))
  t.match(
    outcome(lower, 'interest-subsidy'),
    { status: 'eligible', amount: '2800000.00' },
    'the same project spelled in lower case gets only what is left of its cap',
  )
  const subjects = await sql<{ key: string; total: string }>`
    select key, total::text from ledger_subjects
    where ledger = 'interest-subsidy' and key like ${'%COPPER-FOIL%'}`.execute(database.db)
  t.same(
    subjects.rows,
    [{ key: JSON.stringify([ENTERPRISE_A, 'QJ-COPPER-FOIL']), total: '10000000.00' }],
    'one subject, at its cap',
  )
})
