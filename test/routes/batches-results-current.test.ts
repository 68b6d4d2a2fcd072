// A submit batch's results name each row's current decision once its own was superseded since the
// batch ran: a top-up that funds the batch's unfunded rows, a correction. Before, the results file
// still showed those rows unfunded after the report counted them paid. On PGlite and PostgreSQL.

import t from 'tap'
import type { InProcessQueue } from '../../src/batches/queue.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

interface Line {
  row: number
  measure: string
  status: string
  amount: string | null
  decisionId: string
  supersededBy: string | null
}

t.test('results name the current decision of a row funded or corrected since', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  const put = (amount: string) =>
    app.inject({
      method: 'PUT',
      url: '/v1/budgets/2019/interest-subsidy',
      headers: finance,
      payload: { amount },
    })
  t.equal((await put('1000000.00')).statusCode, 200)

  // three projects of 10 000 000.00: 600 000.00 each (§18, 6 %); the second and third do not fit
  const rows = [1, 2, 3].map((i) => JSON.stringify(deepProcessing(`rc-${i}`, '10000000.00', '2019-03-01')))
  const uploaded = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=submit',
    headers: { ...finance, 'content-type': 'application/jsonl' },
    payload: `${rows.join('\n')}\n`,
  })
  t.equal(uploaded.statusCode, 202, uploaded.body)
  await (app.batchQueue as InProcessQueue).idle()
  const id = uploaded.json().id as string
  const results = async (accept = 'application/jsonl') => {
    const r = await app.inject({ url: `/v1/batches/${id}/results`, headers: { ...finance, accept } })
    t.equal(r.statusCode, 200)
    return r.body
  }
  const interest = async () =>
    (await results())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.measure === 'interest-subsidy')

  const before = await interest()
  t.same(
    before.map((l) => [l.row, l.status, l.supersededBy]),
    [
      [1, 'eligible', null],
      [2, 'unfunded', null],
      [3, 'unfunded', null],
    ],
    'as decided: one paid, two waiting, every decision current',
  )

  // the top-up funds rows 2 and 3 by corrections that supersede their decisions
  const topUp = await put('2000000.00')
  t.equal(topUp.statusCode, 200)
  const funded = new Map(
    (topUp.json().funded as { supersededDecisionId: string; decisionId: string }[]).map((f) => [
      f.supersededDecisionId,
      f.decisionId,
    ]),
  )
  t.equal(funded.size, 2)
  const after = await interest()
  t.same(
    after.map((l) => [l.row, l.status, l.supersededBy]),
    [
      [1, 'eligible', null],
      [2, 'unfunded', funded.get(before[1]!.decisionId)],
      [3, 'unfunded', funded.get(before[2]!.decisionId)],
    ],
    'the funded rows name the decision that pays them (their own outcome stays as it was decided)',
  )

  // a correction of the funding decision of row 2: the row names the end of its chain
  const corrected = await app.inject({
    method: 'POST',
    url: `/v1/decisions/${after[1]!.supersededBy}/corrections`,
    headers: { ...finance, 'idempotency-key': crypto.randomUUID() },
    payload: { reason: 'checked again' },
  })
  t.equal(corrected.statusCode, 201, corrected.body)
  const latest = corrected.json().decisions.at(-1).id as string
  t.equal((await interest())[1]!.supersededBy, latest, 'the current decision, two corrections on')

  const csv = await results('text/csv')
  t.match(csv.split('\n')[0], /,supersededBy\r?$/, 'the CSV has the column')
  t.match(csv, new RegExp(`,${latest}\\r?\\n`), 'and the id')
})
