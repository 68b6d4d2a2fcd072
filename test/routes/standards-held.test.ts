// A §18 standards award awaits the amount the province sets (POLICY.md: the source fixes none), so it
// is needs-review. From ruleset 1.5.0 the standard is held for the decision that claimed it: a second
// claim, by any enterprise and in any letter case, is ALREADY_CLAIMED naming that decision, until a
// correction gives the standard back. Before, both claims were needs-review with nothing recorded, and
// a reviewer could approve one standard twice.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, ENTERPRISE_B, keysFor } from '../helpers/fixtures.ts'

interface Outcome {
  measure: string
  status: string
  amount: string | null
  reasons: { code: string; message: { zh: string; en: string } }[]
}

const standards = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'standards-award.json'), 'utf8'),
).application as Application

t.test('a standards award awaiting its amount holds the standard', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const post = async (url: string, payload: unknown) => {
    const r = await app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID(), 'accept-language': 'en' },
      payload: payload as Record<string, unknown>,
    })
    t.equal(r.statusCode, 201, r.statusCode === 201 ? 'stored' : r.body)
    const decision = r.json().decisions.at(-1)
    return {
      id: decision.id as string,
      award: (decision.evaluation.outcomes as Outcome[]).find((o) => o.measure === 'standards-award')!,
    }
  }
  const other: Application = { ...standards, enterprise: { creditCode: ENTERPRISE_B, name: 'Copycat Co.' } }
  const id = standards.claims!.standards![0]!.id

  const first = await post('/v1/applications', standards)
  t.match(first.award, { status: 'needs-review', amount: null, reasons: [{ code: 'AMOUNT_NOT_SET' }] })
  const held = await sql<{ decision_id: string; amount: string | null }>`
    select decision_id, amount::text from ledger_once where ledger = 'standards-award'`.execute(database.db)
  t.same(held.rows, [{ decision_id: first.id, amount: null }], 'held for the first decision, no amount')

  const ledger = await app.inject({
    url: `/v1/enterprises/${standards.enterprise.creditCode}/ledger`,
    headers: bearer(keys.auditor),
  })
  t.equal(ledger.statusCode, 200)
  t.match(
    ledger.json().grants,
    [{ subject: { ledger: 'standards-award', standardId: id }, amount: null, decisionId: first.id }],
    'the enterprise’s ledger shows the hold, without an amount',
  )

  const second = await post('/v1/applications', {
    ...other,
    claims: { standards: [{ ...other.claims!.standards![0]!, id: id.toLowerCase() }] },
  })
  t.match(second.award, { status: 'ineligible', amount: null, reasons: [{ code: 'ALREADY_CLAIMED' }] })
  t.match(second.award.reasons[0]!.message.en, first.id, 'the reason names the decision holding it')
  t.match(second.award.reasons[0]!.message.en, /awaiting the province's amount/)

  // A correction of the first decision that drops the standard gives it back.
  const corrected = await post(`/v1/decisions/${first.id}/corrections`, {
    reason: 'the standard was claimed in error',
    facts: { ...standards, claims: {} },
  })
  t.not(corrected.award.status, 'needs-review')
  const third = await post('/v1/applications', other)
  t.match(third.award, { status: 'needs-review', reasons: [{ code: 'AMOUNT_NOT_SET' }] }, 'free again')

  for (const decision of [first, second]) {
    const replay = await app.inject({
      method: 'POST',
      url: `/v1/decisions/${decision.id}/replay`,
      headers: bearer(keys.auditor),
    })
    t.match(
      replay.json(),
      { identical: true, differences: [] },
      'the hold and the refusal replay field by field',
    )
  }
})
