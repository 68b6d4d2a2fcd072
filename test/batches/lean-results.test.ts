// Batch results stored lean (src/db/batches-repository.ts, migration 2026-12-04T1820): what a chunk
// writes reads back exactly, whatever its texts — two reasons with the same Chinese and different
// English texts, a measure without a frozen code, an amount that would not read back the same in
// fen, an error row — each text is kept once per batch however many chunks give it, the indexes
// stay dense, and a chunk rolled back leaves none of its texts behind. Another batch's rows (a
// submitted row answered from an earlier batch) read with that batch's texts.

import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import {
  createBatch,
  insertResults,
  type ResultRow,
  resultsByKey,
  resultsPage as resultsPageWithCurrent,
} from '../../src/db/batches-repository.ts'
import { MEASURE_IDS } from '../../src/engine/record-codes.ts'
import { testDatabase } from '../helpers/database.ts'
import { keysWithFinanceId } from '../helpers/fixtures.ts'

/** resultsPage as stored: no decision here was superseded, so each row's supersededBy is null. */
const resultsPage = async (...args: Parameters<typeof resultsPageWithCurrent>) =>
  (await resultsPageWithCurrent(...args)).map(({ supersededBy, ...row }) => {
    if (supersededBy !== null) throw new Error(`row ${row.row}: superseded by ${supersededBy}`)
    return row
  })

const decided = (row: number, outcomes: unknown, rowKey: string | null = null): ResultRow => ({
  row,
  status: 'decided',
  rowKey,
  applicationId: null,
  decisionId: null,
  totalAmount: '7200000.00',
  outcomes,
  errors: null,
})

const reason = (code: string, zh: string, en: string) => ({ code, zh, en })

t.test('lean results read back exactly; texts once per batch, dense, never left by a rollback', async (t) => {
  const database = await testDatabase(t)
  const { financeKeyId } = await keysWithFinanceId(database)
  const newBatch = async () => {
    const id = randomUUID()
    await createBatch(database.db, {
      id,
      mode: 'submit',
      format: 'jsonl',
      submittedBy: financeKeyId,
      submittedRole: 'finance',
    })
    return id
  }
  const texts = async (id: string) =>
    (
      await sql<{ idx: number; zh: string; en: string }>`
        select idx, zh, en from batch_reason_texts where batch_id = ${id}::uuid order by idx`.execute(
        database.db,
      )
    ).rows

  const a = await newBatch()
  const first: ResultRow[] = [
    decided(
      1,
      [
        { measure: 'interest-subsidy', status: 'eligible', amount: '7200000.00', reasons: [] },
        {
          measure: 'land-price-ceiling',
          status: 'ineligible',
          amount: null,
          reasons: [reason('MISSING_INPUT', '缺少所需信息：/project/land', 'missing: /project/land')],
        },
        // the same Chinese text with another English one: two texts
        {
          measure: 'rd-platform-grant',
          status: 'ineligible',
          amount: null,
          reasons: [
            reason('MISSING_INPUT', '缺少所需信息：/project/land', 'missing input: /project/land'),
            reason('CAP_REACHED', '已达上限', 'a cap was reached'),
          ],
        },
        // a measure with no frozen code, an amount not in the two-decimal form, a negative one
        { measure: 'a-measure-of-tomorrow', status: 'capped', amount: '1.5', reasons: [] },
        { measure: 'standards-award', status: 'eligible', amount: '-0.01', reasons: [] },
      ],
      'application:x:1',
    ),
    {
      row: 2,
      status: 'error',
      rowKey: null,
      applicationId: null,
      decisionId: null,
      totalAmount: null,
      outcomes: null,
      errors: [{ row: 2, column: null, pointer: '/enterprise', message: 'is required', messageZh: '必填' }],
    },
  ]
  await database.db.transaction().execute((trx) => insertResults(trx, a, first))
  t.same(await resultsPage(database.db, a, 0, 10), first, 'read back exactly')
  // Stored as the text JSON.stringify gives the lean form (the measure's frozen code, the amount in
  // fen when it reads back the same, each reason as [code, text index]).
  const code = (measure: string) => MEASURE_IDS.indexOf(measure as (typeof MEASURE_IDS)[number])
  t.same(
    (
      await sql<{ outcome_codes: string | null }>`
        select outcome_codes from batch_results where batch_id = ${a}::uuid order by row_no`.execute(
        database.db,
      )
    ).rows.map((r) => r.outcome_codes),
    [
      JSON.stringify([
        [code('interest-subsidy'), 'eligible', 720000000, []],
        [code('land-price-ceiling'), 'ineligible', null, [['MISSING_INPUT', 0]]],
        [
          code('rd-platform-grant'),
          'ineligible',
          null,
          [
            ['MISSING_INPUT', 1],
            ['CAP_REACHED', 2],
          ],
        ],
        ['a-measure-of-tomorrow', 'capped', '1.5', []],
        [code('standards-award'), 'eligible', -1, []],
      ]),
      null,
    ],
    'the lean text as JSON.stringify writes it',
  )
  t.same(
    (await texts(a)).map((x) => x.idx),
    [0, 1, 2],
    'three distinct texts, indexed from 0',
  )

  // A later chunk: the known texts are reused, a new one is appended after them.
  const second = [
    decided(3, [
      {
        measure: 'land-price-ceiling',
        status: 'ineligible',
        amount: null,
        reasons: [
          reason('CAP_REACHED', '已达上限', 'a cap was reached'),
          reason('NOT_NEW_BUILD', '不是新建项目', 'not a new build'),
        ],
      },
    ]),
  ]
  await database.db.transaction().execute((trx) => insertResults(trx, a, second))
  t.same(
    (await texts(a)).map((x) => [x.idx, x.en]),
    [
      [0, 'missing: /project/land'],
      [1, 'missing input: /project/land'],
      [2, 'a cap was reached'],
      [3, 'not a new build'],
    ],
  )

  // A chunk rolled back (a worker killed after writing its results): none of its texts stay, and
  // the next chunk takes the same index.
  await t.rejects(
    database.db.transaction().execute(async (trx) => {
      await insertResults(trx, a, [
        decided(4, [
          {
            measure: 'interest-subsidy',
            status: 'ineligible',
            amount: null,
            reasons: [reason('X', '甲', 'a')],
          },
        ]),
      ])
      throw new Error('killed')
    }),
    /killed/,
  )
  t.equal((await texts(a)).length, 4, 'nothing of the rolled-back chunk')
  await database.db.transaction().execute((trx) =>
    insertResults(trx, a, [
      decided(4, [
        {
          measure: 'interest-subsidy',
          status: 'ineligible',
          amount: null,
          reasons: [reason('Y', '乙', 'b')],
        },
      ]),
    ]),
  )
  t.same((await texts(a)).at(-1), { idx: 4, zh: '乙', en: 'b' })
  t.same(await resultsPage(database.db, a, 0, 10), [
    ...first,
    ...second,
    ...(await resultsPage(database.db, a, 3, 10)),
  ])

  // Another batch: its own texts from 0; an earlier batch's row, answered by key, reads with the
  // earlier batch's texts, and stored again in this batch, with this batch's.
  const b = await newBatch()
  await database.db.transaction().execute((trx) =>
    insertResults(trx, b, [
      decided(1, [
        {
          measure: 'interest-subsidy',
          status: 'ineligible',
          amount: null,
          reasons: [reason('Z', '丙', 'c')],
        },
      ]),
    ]),
  )
  const earlier = (await resultsByKey(database.db, ['application:x:1'])).get('application:x:1')!
  t.same(earlier, first[0], 'read with the earlier batch’s texts')
  const copy = { ...earlier, row: 2, rowKey: null }
  await database.db.transaction().execute((trx) => insertResults(trx, b, [copy]))
  t.same((await resultsPage(database.db, b, 1, 10))[0], copy, 'stored again in this batch, read the same')
  t.same(
    (await texts(b)).map((x) => x.idx),
    [0, 1, 2, 3],
    'this batch’s texts: its own and the copied row’s three',
  )
})
