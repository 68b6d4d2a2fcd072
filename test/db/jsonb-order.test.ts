// inJsonbOrder (src/db/jsonb-order.ts) must put keys exactly in the order a jsonb value reads back
// in: an idempotent retry's response is rendered from the stored rows and must be the first
// response's bytes (migration 2026-12-03T1700). Checked against the database itself.

import { sql } from 'kysely'
import t from 'tap'
import { FULL_APPLICATION } from '../../bench/application.ts'
import { inJsonbOrder } from '../../src/db/jsonb-order.ts'
import { decideCompact } from '../../src/engine/decide.ts'
import { storedRecord } from '../../src/engine/stored-record.ts'
import { testDatabase } from '../helpers/database.ts'

t.test('the order jsonb reads back in', async (t) => {
  const database = await testDatabase(t)
  const values: unknown[] = [
    { zh: '中文', en: 'English', b: 1, a: [{ yy: 1, x: 2, 中: 3, ab: 4, é: 5, e: 6 }], '': null },
    { longer: { c: true, bb: false, a: 'x' }, aa: [], z: {} },
    FULL_APPLICATION,
    storedRecord(decideCompact(FULL_APPLICATION)),
  ]
  for (const [i, value] of values.entries()) {
    const row = (await sql<{ v: unknown }>`select ${JSON.stringify(value)}::jsonb as v`.execute(database.db))
      .rows[0]!
    t.equal(JSON.stringify(inJsonbOrder(value)), JSON.stringify(row.v), `value ${i}: the same bytes`)
  }
  t.same(inJsonbOrder({ a: undefined, b: [undefined] }), { b: [null] }, 'undefined as JSON has it')
})
