// The same applications submitted again (issue #11: "uploading the same file again never grants
// twice"), as accidents and adversaries would: the same bytes on two API instances at once, the same
// rows re-saved (CRLF, BOM, Chinese headers, JSON Lines instead of CSV), a file whose bad row was
// corrected and uploaded again with rows added. A batch is recognised by its bytes, but that alone
// does not stop a re-encoded file; each submitted row's idempotency key is its facts' canonical hash
// and its occurrence in the file (src/batches/run.ts rowKeyOf), so whichever file brings an
// application again, it answers the decision stored the first time — while two identical rows of
// one file stay two applications, as if posted alone twice. Every check compares the ledgers with a
// single run.

import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { hashCanonical } from '../../src/audit/canonical-json.ts'
import type { InProcessQueue } from '../../src/batches/queue.ts'
import { rowKeyOf } from '../../src/batches/run.ts'
import { resultsPage } from '../../src/db/batches-repository.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, ENTERPRISE_B, keysFor } from '../helpers/fixtures.ts'
import { applicationOf } from '../helpers/requests.ts'

const JSONL = 'application/jsonl'
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n')

const upload = (app: FastifyInstance, key: string, payload: string, type = JSONL) =>
  app.inject({
    method: 'POST',
    url: '/v1/batches?mode=submit',
    headers: { ...bearer(key), 'content-type': type },
    payload,
  })

const idle = (app: FastifyInstance) => (app.batchQueue as InProcessQueue).idle()

const batchOf = async (app: FastifyInstance, key: string, id: string) =>
  (await app.inject({ url: `/v1/batches/${id}`, headers: bearer(key) })).json()

const resultsOf = async (app: FastifyInstance, key: string, id: string) =>
  (await app.inject({ url: `/v1/batches/${id}/results`, headers: bearer(key) })).body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))

/** What the database granted: applications, decisions, ledger movements, and every subject's total. */
const ledgerState = async (database: DatabaseHandle) => {
  const n = async (table: string) =>
    Number(
      (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db))
        .rows[0]!.n,
    )
  const totals = await sql<{ ledger: string; key: string; total: string }>`
    select ledger, key, total::text as total from ledger_subjects where total <> 0 order by ledger, key`.execute(
    database.db,
  )
  return {
    applications: await n('applications'),
    decisions: await n('decisions'),
    ledgerEntries: await n('ledger_entries'),
    totals: totals.rows,
  }
}

/** The rows of the tests: example 1 (interest subsidy, 7 200 000.00) and two more projects. */
const rowA = () => applicationOf()
const rowB = () => deepProcessing('resubmit-b', '50000000.00')
const rowC = () => ({
  ...deepProcessing('resubmit-c', '40000000.00'),
  enterprise: { creditCode: ENTERPRISE_B, name: 'B' },
})

/** The ledgers after the rows were submitted once, in one batch, on a fresh database. */
const singleRun = async (t: Test, rows: unknown[]) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const response = await upload(app, keys.finance, jsonl(rows))
  t.equal(response.statusCode, 202, 'the single run is accepted')
  await idle(app)
  return ledgerState(database)
}

t.test('the same applications in another file grant nothing twice', async (t) => {
  const expected = await singleRun(t, [rowA(), rowB(), rowC(), rowC()])
  t.ok(expected.totals.length > 0 && expected.ledgerEntries > 0, 'the single run granted something')

  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)

  // The template's row is POLICY.md §5 example 1, as rowA: the same application in CSV.
  const template = (await app.inject({ url: '/v1/batches/template.csv', headers: bearer(keys.finance) })).body
  const first = await upload(app, keys.finance, template, 'text/csv')
  t.equal(first.statusCode, 202)
  await idle(app)
  const [firstLine] = await resultsOf(app, keys.finance, first.json().id)
  t.ok(firstLine.decisionId, 'the first upload stored a decision')
  const afterFirst = await ledgerState(database)
  t.equal(afterFirst.applications, 1)

  t.test('re-saved: CRLF line ends, a BOM, Chinese headers, JSON Lines', async (t) => {
    const zh = (
      await app.inject({ url: '/v1/batches/template.csv?headers=zh', headers: bearer(keys.finance) })
    ).body
    const variants: [string, string, string][] = [
      ['CRLF', template.replace(/\r?\n/g, '\r\n'), 'text/csv'],
      ['Chinese headers with a BOM', zh, 'text/csv'],
      ['JSON Lines', jsonl([rowA()]), JSONL],
      [
        'JSON Lines, keys in another order, a trailing newline',
        `${JSON.stringify(reorder(rowA()))}\n`,
        JSONL,
      ],
      // A spreadsheet re-saving the file writes 120000000.00 as 120000000: the same application
      // (it would otherwise be a new one, granted the 2 800 000.00 left under the project's §18 cap).
      ['amounts without their decimals, leading zeros', jsonl([renumber(rowA())]), JSONL],
    ]
    for (const [name, file, type] of variants) {
      const response = await upload(app, keys.finance, file, type)
      t.equal(response.statusCode, 202, `${name}: other bytes, another batch`)
      t.not(response.json().id, first.json().id, name)
      await idle(app)
      const batch = await batchOf(app, keys.finance, response.json().id)
      t.match(batch, { status: 'done', rows: { decided: 1, failed: 0 }, counts: { duplicate: 1 } }, name)
      t.notOk(batch.counts.eligible, `${name}: no outcome counted as granted by this batch`)
      const [line] = await resultsOf(app, keys.finance, batch.id)
      t.equal(line.decisionId, firstLine.decisionId, `${name}: answers the decision stored the first time`)
      t.equal(line.applicationId, firstLine.applicationId, name)
      t.same(await ledgerState(database), afterFirst, `${name}: nothing stored or granted`)
    }
  })

  t.test(
    'a row submitted before 2026-12-06 under the hash of its numbers as written keeps that key',
    async (t) => {
      // Keys hash the facts with their numbers written one way since 2026-12-06; a row stored before
      // under the hash of "30000000" as written is recognised by that key, never decided again.
      const old = renumber(deepProcessing('resubmit-d', '30000000.00'))
      const legacyKey = rowKeyOf(hashCanonical(old), 1)
      const earlier = crypto.randomUUID()
      await sql`insert into batches (id, mode, format, status, total_rows, next_row, submitted_by, submitted_role)
      select ${earlier}::uuid, mode, format, 'done', 1, 2, submitted_by, submitted_role
      from batches where id = ${first.json().id}::uuid`.execute(database.db)
      // the first upload's row, stored the way rows were then (reason texts in the row)
      const [stored] = await resultsPage(database.db, first.json().id, 0, 1)
      await sql`insert into batch_results (batch_id, row_no, status, row_key, application_id, decision_id,
        total_amount, outcomes, errors)
      values (${earlier}::uuid, 1, 'decided', ${legacyKey}, ${stored!.applicationId}, ${stored!.decisionId},
        ${stored!.totalAmount}, ${JSON.stringify(stored!.outcomes)}::jsonb, null)`.execute(database.db)
      const before = await ledgerState(database)
      const again = await upload(app, keys.finance, jsonl([old]))
      await idle(app)
      const batch = await batchOf(app, keys.finance, again.json().id)
      t.match(batch, { status: 'done', rows: { decided: 1 }, counts: { duplicate: 1 } })
      const [line] = await resultsOf(app, keys.finance, batch.id)
      t.equal(line.decisionId, firstLine.decisionId, 'answers the decision stored under the old key')
      t.same(await ledgerState(database), before, 'nothing stored or granted')
    },
  )

  t.test('a bad row corrected, rows added: only the new rows are decided', async (t) => {
    const bad = { ...rowB(), applicationDate: 'yesterday' }
    const withError = await upload(app, keys.finance, jsonl([rowA(), bad]))
    await idle(app)
    t.match(await batchOf(app, keys.finance, withError.json().id), {
      rows: { decided: 1, failed: 1 },
      counts: { duplicate: 1 },
    })
    // The bureau corrects row 2 and adds two rows: the same application twice (two applications,
    // as when posted alone twice — e.g. two loans of one project are two rows).
    const file = jsonl([rowA(), rowB(), rowC(), rowC()])
    const corrected = await upload(app, keys.finance, file)
    t.equal(corrected.statusCode, 202)
    await idle(app)
    const batch = await batchOf(app, keys.finance, corrected.json().id)
    t.match(batch, { status: 'done', rows: { decided: 4, failed: 0 }, counts: { duplicate: 1 } })
    const lines = await resultsOf(app, keys.finance, batch.id)
    const byRow = (row: number) => lines.filter((l) => l.row === row)
    t.equal(byRow(1)[0].decisionId, firstLine.decisionId, 'row 1 answers the first upload')
    t.not(byRow(2)[0].decisionId, null, 'row 2, corrected, is decided')
    t.not(byRow(4)[0].decisionId, byRow(3)[0].decisionId, 'rows 3 and 4, the same facts: two applications')
    t.same(await ledgerState(database), expected, 'the ledgers equal one run of the four rows')
    // The same file re-saved with CRLF line ends: every row, the repeated one included, answers.
    const resaved = await upload(app, keys.finance, file.replaceAll('\n', '\r\n'))
    t.equal(resaved.statusCode, 202)
    await idle(app)
    t.match(await batchOf(app, keys.finance, resaved.json().id), {
      rows: { decided: 4 },
      counts: { duplicate: 4 },
    })
    t.same(await ledgerState(database), expected, 'nothing more granted')
  })
})

/** The same object with its keys (at every level) in reverse order. */
/** Every decimal string written otherwise: "120000000.00" → "0120000000", "0.60" → "00.6". */
const renumber = (value: unknown): unknown =>
  typeof value === 'string' && /^\d+\.\d+$/.test(value)
    ? `0${value.replace(/\.?0+$/, '')}`
    : Array.isArray(value)
      ? value.map(renumber)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renumber(v)]))
        : value

const reorder = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(reorder)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, reorder(v)]),
        )
      : value

t.test('two API instances, the same applications at once: each granted once', async (t) => {
  if (!requirePostgres(t, 'concurrent uploads on two API instances')) return
  const rows = [rowA(), rowB(), rowC()]
  const expected = await singleRun(t, rows)

  const database = await testDatabase(t)
  const one = await testApp(t, database)
  const two = await testApp(t, secondPool(t, database))
  const keys = await keysFor(database)

  // The same bytes, twice on each instance at once: one batch; the others answer it (200).
  const file = jsonl(rows)
  const same = await Promise.all([one, two, one, two].map((app) => upload(app, keys.finance, file)))
  t.same(
    same.map((r) => r.statusCode).sort(),
    [200, 200, 200, 202],
    'one upload made the batch, the others found it',
  )
  t.equal(new Set(same.map((r) => r.json().id)).size, 1, 'all four answer the same batch')
  // Other bytes, the same applications (rows reordered, CRLF, keys reordered), at once on both
  // instances while the first batch may still run: batches decided concurrently by two runners.
  const others = [
    jsonl([rows[2], rows[0], rows[1]]),
    jsonl(rows).replaceAll('\n', '\r\n'),
    jsonl(rows.map(reorder)),
    `${jsonl([rows[1], rows[2], rows[0]])}\n`,
  ]
  const concurrent = await Promise.all(others.map((f, i) => upload(i % 2 === 0 ? one : two, keys.finance, f)))
  t.same(
    concurrent.map((r) => r.statusCode),
    [202, 202, 202, 202],
  )
  await Promise.all([idle(one), idle(two)])
  const ids = [same[0]!.json().id, ...concurrent.map((r) => r.json().id)]
  let decidedOnce = 0
  let duplicates = 0
  for (const id of ids) {
    const batch = await batchOf(one, keys.finance, id)
    t.match(batch, { status: 'done', rows: { total: 3, decided: 3, failed: 0 } }, id)
    duplicates += batch.counts.duplicate ?? 0
    decidedOnce += 3 - (batch.counts.duplicate ?? 0)
  }
  t.equal(decidedOnce, 3, 'each application decided once over the five batches')
  t.equal(duplicates, 12, 'every other row answered an earlier decision')
  t.same(await ledgerState(database), expected, 'the ledgers equal a single run')
})
