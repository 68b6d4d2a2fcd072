// A batch chunk (src/batches/run.ts): its rows' decisions stored in groups while the next rows are
// decided (decideChunk, src/db/pipeline.ts), then one result line per row — a row answered by an
// earlier one with the same key, a row the upload refused, included. Stored in groups or all at once,
// a batch's results, counts and stored decisions are the same; a result line PostgreSQL refuses rolls
// the whole chunk back (nothing stored, granted or recorded, the batch where it was), and the chunk
// run again decides every row once.

import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { runBatchSlice } from '../../src/batches/run.ts'
import {
  createBatch,
  insertInputs,
  type ResultRow,
  resultsPage,
  sealBatch,
} from '../../src/db/batches-repository.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { testDatabase } from '../helpers/database.ts'
import { deepProcessing, keysWithFinanceId } from '../helpers/fixtures.ts'

const ROWS = 9
// Decisions stored in groups of 4 rows; row 6, whose result line is refused below, is in the second.
const STORE_ROWS = 4

/**
 * Nine rows: three projects claimed three times each (the §18 cap of 10 000 000.00 over
 * 7 200 000.00 applications: eligible, then capped at 2 800 000.00, then nothing left), row 8 has the
 * key of row 2 (answered by row 2's decision: a duplicate), row 9 was refused at upload.
 */
const inputs = () =>
  Array.from({ length: ROWS }, (_, i) => {
    const row = i + 1
    if (row === 9)
      return {
        row,
        facts: null,
        errors: [
          { row, column: 'project.investment', pointer: '/project/investment', message: 'bad (test)' },
        ],
        rowKey: null,
      }
    const keyRow = row === 8 ? 2 : row
    return {
      row,
      facts: deepProcessing(`line-${keyRow % 3}`, '120000000.00'),
      errors: null,
      rowKey: `application:test-${keyRow}:1`,
    }
  })

const prepared = async (t: Test) => {
  const database = await testDatabase(t)
  return { database, keyId: (await keysWithFinanceId(database)).financeKeyId }
}

const newBatch = async (
  { database, keyId }: { database: DatabaseHandle; keyId: string },
  mode: 'submit' | 'dry-run',
) => {
  const id = randomUUID()
  await createBatch(database.db, { id, mode, format: 'jsonl', submittedBy: keyId, submittedRole: 'finance' })
  await insertInputs(database.db, id, inputs())
  await sealBatch(database.db, id, ROWS, `test-${id}`)
  return id
}

const run = (database: DatabaseHandle, id: string, storeRows: number) =>
  runBatchSlice(database.db, id, { chunkRows: 500, sliceMs: 600_000, storeRows })

/** A batch's result lines without the ids of what they stored, and its progress. */
const outcome = async (database: DatabaseHandle, id: string) => {
  const lines = (await resultsPage(database.db, id, 0, 100)).map((r: ResultRow) => ({
    ...r,
    applicationId: r.applicationId === null ? null : 'stored',
    decisionId: r.decisionId === null ? null : 'stored',
  }))
  const batch = await sql<{
    next_row: number
    rows_decided: number
    rows_failed: number
    outcome_counts: unknown
  }>`
    select next_row, rows_decided, rows_failed, outcome_counts from batches where id = ${id}::uuid`.execute(
    database.db,
  )
  return { lines, batch: batch.rows[0] }
}

const stored = async (database: DatabaseHandle) => {
  const count = async (table: string) =>
    Number(
      (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db))
        .rows[0]!.n,
    )
  return {
    applications: await count('applications'),
    decisions: await count('decisions'),
    results: await count('batch_results'),
    audit: await count('audit_log'),
  }
}

for (const mode of ['submit', 'dry-run'] as const)
  t.test(
    `${mode}: results written group by group are those of one group; a refused line undoes the chunk`,
    async (t) => {
      // The same rows, on two databases: in one group, then in groups of STORE_ROWS.
      const whole = await prepared(t)
      const wholeId = await newBatch(whole, mode)
      t.equal(await run(whole.database, wholeId, 500), 'done')
      const expected = await outcome(whole.database, wholeId)
      t.equal(expected.lines.length, ROWS, 'one line per row')
      t.same(
        expected.lines.map((l) => l.status),
        ['decided', 'decided', 'decided', 'decided', 'decided', 'decided', 'decided', 'decided', 'error'],
      )
      t.same(
        expected.lines.map((l) => l.totalAmount),
        [
          ...['7200000.00', '7200000.00', '7200000.00'],
          ...['2800000.00', '2800000.00', '2800000.00'],
          // row 7: line-1's third claim, nothing left under its cap
          '0.00',
          // row 8: submit answers row 2's decision again (its key); a dry run has no keys and decides
          // it as line-2's third claim
          mode === 'submit' ? '7200000.00' : '0.00',
          null,
        ],
        'the §18 cap of each project in row order',
      )
      t.match(expected.batch, { next_row: ROWS + 1, rows_decided: 8, rows_failed: 1 })
      t.match(expected.batch!.outcome_counts, { duplicate: mode === 'submit' ? 1 : undefined })

      const grouped = await prepared(t)
      const id = await newBatch(grouped, mode)
      const before = await stored(grouped.database)
      // Row 6's result line (the second group) is refused by PostgreSQL.
      await sql`create function refuse_row_6() returns trigger language plpgsql as $$
      begin
        if new.row_no = 6 then raise exception 'row 6 refused (test)'; end if;
        return new;
      end $$`.execute(grouped.database.db)
      await sql`create trigger refuse_row_6 before insert on batch_results
      for each row execute function refuse_row_6()`.execute(grouped.database.db)
      await t.rejects(
        run(grouped.database, id, STORE_ROWS),
        /row 6 refused \(test\)/,
        "the refused line's error",
      )
      t.same(
        await stored(grouped.database),
        before,
        'nothing stored: no application, decision, result or audit entry',
      )
      t.match((await outcome(grouped.database, id)).batch, { next_row: 1, rows_decided: 0, rows_failed: 0 })

      await sql`drop trigger refuse_row_6 on batch_results`.execute(grouped.database.db)
      t.equal(await run(grouped.database, id, STORE_ROWS), 'done', 'the chunk run again')
      const actual = await outcome(grouped.database, id)
      t.same(actual, expected, 'the same lines, counts and progress as in one group')
      t.same(
        await stored(grouped.database),
        await stored(whole.database),
        'as many applications, decisions, results and audit entries as in one group: each row once',
      )
    },
  )
