// Corrections and stored applications as an adversary sends them (POST /v1/decisions/{id}/corrections,
// POST /v1/applications): corrections of one decision at once, a correction moving a decision to
// another enterprise, an amount the ledger cannot hold, and one platform written two ways.

import t from 'tap'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import {
  bearer,
  beyondTheLedger,
  deepProcessing,
  ENTERPRISE_A,
  ENTERPRISE_B,
  keysFor,
  platformClaim,
} from '../helpers/fixtures.ts'

const newKey = () => ({ 'idempotency-key': crypto.randomUUID() })

t.test('corrections of one decision sent at once: one is made, the others 409, never 500', async (t) => {
  // on PGlite requests take turns on its one connection; the race needs a pool
  if (!requirePostgres(t, 'corrections at once')) return
  const database = await testDatabase(t, { poolSize: 10 })
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const first = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), ...newKey() },
    payload: deepProcessing('race', '120000000.00'),
  })
  t.equal(first.statusCode, 201)
  const decisionId = JSON.parse(first.body).decisions[0].id as string
  const answers = await Promise.all(
    [1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
      app.inject({
        method: 'POST',
        url: `/v1/decisions/${decisionId}/corrections`,
        headers: { ...bearer(keys.finance), ...newKey() },
        payload: { reason: `correction ${i}`, facts: deepProcessing('race', `${i}0000000.00`) },
      }),
    ),
  )
  const codes = answers.map((a) => a.statusCode).sort()
  t.same(codes, [201, 409, 409, 409, 409, 409, 409, 409], 'one correction, seven conflicts')
  for (const a of answers.filter((x) => x.statusCode === 409))
    t.equal(JSON.parse(a.body).type, '/problems/already-superseded')
  // the project's total is the one correction's grant: the first grant was given back once
  const made = JSON.parse(answers.find((a) => a.statusCode === 201)!.body)
  const ledger = JSON.parse(
    (await app.inject({ url: `/v1/enterprises/${ENTERPRISE_A}/ledger`, headers: bearer(keys.finance) })).body,
  )
  const cap = ledger.caps.find((c: { subject: { projectId: string } }) => c.subject.projectId === 'race')
  t.equal(cap.total, made.decisions[0].evaluation.totalAmount, 'the total is what the correction granted')
})

t.test('a correction cannot move a decision to another enterprise (422, nothing stored)', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const first = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), ...newKey() },
    payload: deepProcessing('moved', '100000000.00'),
  })
  const decisionId = JSON.parse(first.body).decisions[0].id as string
  const other = deepProcessing('moved', '100000000.00')
  other.enterprise.creditCode = ENTERPRISE_B
  const r = await app.inject({
    method: 'POST',
    url: `/v1/decisions/${decisionId}/corrections`,
    headers: { ...bearer(keys.finance), ...newKey() },
    payload: { reason: 'move it', facts: other },
  })
  t.equal(r.statusCode, 422)
  t.match(JSON.parse(r.body), {
    type: '/problems/correction-changes-enterprise',
    errors: [{ pointer: '/facts/enterprise/creditCode' }],
  })
  const decision = JSON.parse(
    (await app.inject({ url: `/v1/decisions/${decisionId}`, headers: bearer(keys.finance) })).body,
  )
  t.equal(decision.supersededBy, null, 'the decision is still current')
  // the same enterprise's corrected facts are still a correction
  const same = await app.inject({
    method: 'POST',
    url: `/v1/decisions/${decisionId}/corrections`,
    headers: { ...bearer(keys.finance), ...newKey() },
    payload: { reason: 'investment amended', facts: deepProcessing('moved', '90000000.00') },
  })
  t.equal(same.statusCode, 201)
})

t.test('a total beyond what the ledger records is 422, nothing stored, never 500', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  // 13 monthly records, every tax at the schema's maximum: the reward passes numeric(18, 2)
  const application = beyondTheLedger()
  const key = newKey()
  for (const attempt of ['first', 'retried']) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), ...key },
      payload: application,
    })
    t.equal(r.statusCode, 422, `${attempt}: ${r.body.slice(0, 100)}`)
    t.match(JSON.parse(r.body), { type: '/problems/invalid-facts', code: 'AmountOutOfRange' })
  }
  const stored = await database.db.selectFrom('applications').select('id').execute()
  t.equal(stored.length, 0, 'nothing stored')
  // an evaluation of the same facts answers as a submission would
  const evaluated = await app.inject({ method: 'POST', url: '/v1/evaluations', payload: { application } })
  t.equal(evaluated.statusCode, 422)
  t.match(JSON.parse(evaluated.body), { code: 'AmountOutOfRange' })
})

t.test('one platform written two ways is not granted twice (ruleset 1.4.0)', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const claim = (enterprise: string, id: string) => {
    const a = platformClaim(enterprise)
    a.claims!.rdPlatforms![0]!.id = id
    return a
  }
  const granted = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), ...newKey() },
    payload: claim(ENTERPRISE_A, 'nerc-1'),
  })
  t.equal(granted.statusCode, 201)
  for (const written of ['nerc-1 ', 'ｎｅｒｃ－１', 'nerc\u200b-1']) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), ...newKey(), 'accept-language': 'en' },
      payload: claim(ENTERPRISE_B, written),
    })
    t.equal(r.statusCode, 400, JSON.stringify(written))
    const problem = JSON.parse(r.body)
    t.same(
      problem.errors.map((e: { pointer: string }) => e.pointer),
      ['#/claims/rdPlatforms/0/id'],
    )
    t.match(problem.errors[0].detail, '"nerc-1"', 'names the form to write')
  }
  const again = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), ...newKey() },
    payload: claim(ENTERPRISE_B, 'nerc-1'),
  })
  const outcome = JSON.parse(again.body).decisions[0].evaluation.outcomes.find(
    (o: { measure: string }) => o.measure === 'rd-platform-grant',
  )
  t.equal(outcome.status, 'ineligible')
  t.same(
    outcome.reasons.map((r: { code: string }) => r.code),
    ['ALREADY_GRANTED'],
  )
})

t.test('a correction with corrected facts keeps its place in the budget queue', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const put = await app.inject({
    method: 'PUT',
    url: '/v1/budgets/2017/interest-subsidy',
    headers: bearer(keys.finance),
    payload: { amount: '1000000.00' },
  })
  t.equal(put.statusCode, 200, put.body)
  const submit = async (project: string, investment: string) => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), ...newKey() },
      payload: deepProcessing(project, investment, '2017-03-01'),
    })
    t.equal(r.statusCode, 201, r.body)
    return JSON.parse(r.body).decisions[0]
  }
  const subsidy = (decision: { evaluation: { outcomes: { measure: string }[] } }) =>
    decision.evaluation.outcomes.find((o) => o.measure === 'interest-subsidy') as unknown as {
      status: string
      amount: string
      reasons: { code: string }[]
    }
  // A: 6 000 000.00 due, more than the budget: unfunded. B, after it: 600 000.00, waits behind A.
  const a = await submit('queue-a', '100000000.00')
  t.equal(subsidy(a).status, 'unfunded')
  const b = await submit('queue-b', '10000000.00')
  t.match(subsidy(b), { status: 'unfunded', reasons: [{ code: 'BUDGET_QUEUE' }] })
  // A corrected to 600 000.00 due: it is still first in line, and the budget pays it
  const corrected = await app.inject({
    method: 'POST',
    url: `/v1/decisions/${a.id}/corrections`,
    headers: { ...bearer(keys.finance), ...newKey() },
    payload: { reason: 'investment amended', facts: deepProcessing('queue-a', '10000000.00', '2017-03-01') },
  })
  t.equal(corrected.statusCode, 201, corrected.body)
  t.match(subsidy(JSON.parse(corrected.body).decisions[0]), { status: 'eligible', amount: '600000.00' })
  // B still waits (400 000.00 remain); a top-up funds it
  const topUp = await app.inject({
    method: 'PUT',
    url: '/v1/budgets/2017/interest-subsidy',
    headers: bearer(keys.finance),
    payload: { amount: '1200000.00' },
  })
  t.equal(JSON.parse(topUp.body).funded.length, 1, 'B funded by the top-up')
})

t.test('the list names where a correction with corrected facts took an application’s decision', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const post = (url: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: { ...bearer(keys.finance), ...newKey() }, payload })
  const first = JSON.parse((await post('/v1/applications', deepProcessing('listed', '50000000.00'))).body)
  const other = JSON.parse((await post('/v1/applications', deepProcessing('kept', '50000000.00'))).body)
  // with facts: a new application; without: a new decision of the same application
  const moved = await post(`/v1/decisions/${first.decisions[0].id}/corrections`, {
    reason: 'investment was 60 million',
    facts: deepProcessing('listed', '60000000.00'),
  })
  t.equal(moved.statusCode, 201)
  const corrected = JSON.parse(moved.body)
  const again = await post(`/v1/decisions/${other.decisions[0].id}/corrections`, { reason: 'checked again' })
  t.equal(again.statusCode, 201)
  const list = JSON.parse(
    (await app.inject({ url: `/v1/applications?enterprise=${ENTERPRISE_A}`, headers: bearer(keys.finance) }))
      .body,
  )
  const item = (id: string) => list.items.find((i: { id: string }) => i.id === id)
  t.not(corrected.id, first.id, 'corrected facts are a new application')
  t.match(item(first.id), {
    decisionId: null,
    outcomes: [],
    correctedBy: { applicationId: corrected.id, decisionId: corrected.decisions.at(-1).id },
  })
  t.match(item(corrected.id), { decisionId: corrected.decisions.at(-1).id, correctedBy: null })
  t.match(item(other.id), { decisionId: JSON.parse(again.body).decisions.at(-1).id, correctedBy: null })
  t.equal(item(corrected.id).totalAmount, '3600000.00', '§18: 6 % of 60 million')
})
