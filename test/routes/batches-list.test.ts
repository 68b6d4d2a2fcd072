// GET /v1/batches: the bureau's way back to a batch whose id was lost (before, 404: no such route).
// Newest first, cursor pages, filters by mode and status; finance and auditor keys only.

import t from 'tap'
import type { InProcessQueue } from '../../src/batches/queue.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

t.test('batches listed newest first, in pages, by mode and status', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  const ids: string[] = []
  for (const [i, mode] of ['dry-run', 'submit', 'dry-run'].entries()) {
    const r = await app.inject({
      method: 'POST',
      url: `/v1/batches?mode=${mode}`,
      headers: { ...finance, 'content-type': 'application/jsonl' },
      payload: `${JSON.stringify(deepProcessing(`list-${i}`, '120000000.00'))}\n`,
    })
    t.equal(r.statusCode, 202, r.body)
    ids.push(r.json().id)
    await (app.batchQueue as InProcessQueue).idle()
  }
  const list = async (query: string, key = keys.auditor) => {
    const r = await app.inject({ url: `/v1/batches${query}`, headers: bearer(key) })
    return r
  }
  const all = await list('')
  t.equal(all.statusCode, 200)
  t.same(
    all.json().items.map((b: { id: string }) => b.id),
    [...ids].reverse(),
    'newest first',
  )
  t.match(all.json().items[0], { mode: 'dry-run', status: 'done', rows: { total: 1, done: 1 }, errors: [] })
  t.equal(all.json().nextCursor, null)

  const first = (await list('?limit=2')).json()
  t.same(
    first.items.map((b: { id: string }) => b.id),
    [ids[2], ids[1]],
  )
  t.type(first.nextCursor, 'string')
  const second = (await list(`?limit=2&cursor=${first.nextCursor}`)).json()
  t.same(
    second.items.map((b: { id: string }) => b.id),
    [ids[0]],
    'the next page',
  )
  t.equal(second.nextCursor, null)

  t.same(
    (await list('?mode=submit')).json().items.map((b: { id: string }) => b.id),
    [ids[1]],
    'by mode',
  )
  t.same((await list('?status=failed')).json().items, [], 'by status')
  t.equal((await list('?limit=0')).statusCode, 400, 'a page size out of range')
  t.equal((await list('?mode=grant-all')).statusCode, 400)
  const enterprise = await list('', keys.enterpriseA)
  t.equal(enterprise.statusCode, 403, 'not for enterprise keys')
})
