// Money paid once whatever the letter case of an identifier (ruleset 1.5.0, src/engine/ledgers.ts
// foldKey): a platform, an institute, a person, a project's tax days and a project's interest-subsidy
// cap, each spelled once in upper and once in lower case, through the API. Before, each spelling was
// its own subject and was paid again.

import { sql } from 'kysely'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { bearer, deepProcessing, ENTERPRISE_A, ENTERPRISE_B, swapCase } from '../helpers/fixtures.ts'
import { example, ledgerClient } from '../helpers/ledger-client.ts'

t.test('ledger identifiers without letter case', async (t) => {
  const { database, submit, outcome } = await ledgerClient(t)

  // Each of these had been granted again under the other spelling. (The §18 standards award has no
  // amount in the source: it is needs-review, and claims nothing, under any spelling.)
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

// Ruleset 1.6.0: spellings the standard form (1.4.0) let through had each been paid again — a
// platform's id with a combining grapheme joiner or written in Cyrillic, a project's id with a
// variation selector or Arabic-Indic digits, a person's id ending in a Cyrillic "Х". Now refused, 400
// naming the field; the first spelling's grant stands alone.
t.test('ledger identifiers outside ASCII and Chinese are refused, not granted again', async (t) => {
  const { app, keys, database, submit, outcome } = await ledgerClient(t)
  const platform = example('rd-platform-grant')
  const first = await submit({
    ...platform,
    claims: { rdPlatforms: platform.claims!.rdPlatforms!.map((p) => ({ ...p, id: 'AEC-1' })) },
  })
  t.match(outcome(first, 'rd-platform-grant'), { status: 'eligible', amount: '3000000.00' })
  const post = (facts: Application) =>
    app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID(), 'accept-language': 'en' },
      payload: facts,
    })
  const respelled: [what: string, facts: Application, pointer: string][] = [
    ...['AEC\u034f-1', 'AEC-1\ufe0f', 'AEC-1\u2800', 'AEC\u02d71', '\u0410\u0415\u0421-1'].map(
      (id): [string, Application, string] => [
        `platform ${JSON.stringify(id)}`,
        {
          ...platform,
          enterprise: { creditCode: ENTERPRISE_B, name: 'Copycat Co.' },
          claims: { rdPlatforms: platform.claims!.rdPlatforms!.map((p) => ({ ...p, id })) },
        },
        '#/claims/rdPlatforms/0/id',
      ],
    ),
    [
      'project with a variation selector',
      deepProcessing('qj-copper-foil\ufe0f', '120000000.00'),
      '#/project/id',
    ],
    [
      'project in Arabic-Indic digits',
      deepProcessing('\u0662\u0660\u0661\u0665-\u0660\u0660\u0661', '120000000.00'),
      '#/project/id',
    ],
  ]
  // a resident identity number ends in a check character X; written with no other letter, the
  // standard form had no Latin letter to tell a Cyrillic "Х" from
  const talent = example('talent-iit-reward')
  const withPerson = (personId: string): Application => ({
    ...talent,
    claims: { talents: talent.claims!.talents!.map((p) => ({ ...p, personId })) },
  })
  t.match(outcome(await submit(withPerson('53010219900101123X')), 'talent-iit-reward'), {
    status: 'eligible',
  })
  respelled.push([
    'person ending in a Cyrillic Х',
    {
      ...withPerson('53010219900101123\u0425'),
      enterprise: { creditCode: ENTERPRISE_B, name: 'Copycat Co.' },
    },
    '#/claims/talents/0/personId',
  ])
  for (const [what, facts, pointer] of respelled) {
    const r = await post(facts)
    t.equal(r.statusCode, 400, `${what}: 400`)
    t.match(
      r.json().errors,
      [
        {
          pointer,
          detail: /holds only printable ASCII .* and Chinese characters: character \d+, U\+[0-9A-F]{4}/,
        },
      ],
      `${what}: the field and the character named`,
    )
  }
  const grants = await sql<{ n: number }>`
    select count(*)::int as n from ledger_once where ledger = 'rd-platform-grant'`.execute(database.db)
  t.equal(grants.rows[0]!.n, 1, 'the platform granted once')
})
