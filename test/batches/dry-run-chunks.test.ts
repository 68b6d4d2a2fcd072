// A dry run previews what a submit would decide (src/decisions/decide-chunk.ts): rows that share a
// ledger subject, or a budget pool, see the claims of the rows before them — within a chunk, and
// across chunks (issue #11 "dry-run evaluates every row against the ledgers as they stand"): a dry
// run writes nothing to the ledgers, so its chunks' would-be claims are kept with the batch
// (batch_dry_chunks, written in each chunk's transaction) and read by the chunks after. Before, a
// project's rows split by a chunk boundary were each granted the full cap.

import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { DryClaimsMemory } from '../../src/batches/dry-claims-memory.ts'
import { runBatchSlice } from '../../src/batches/run.ts'
import type { RowOutcome } from '../../src/db/batches-repository.ts'
import {
  cancelBatch,
  failBatch,
  findBatch,
  resultsPage,
  retryBatch,
} from '../../src/db/batches-repository.ts'
import { setBudgetAmount } from '../../src/db/budget-repository.ts'
import type { Application } from '../../src/engine/types.ts'
import { sealedBatch } from '../helpers/batches.ts'
import { testDatabase } from '../helpers/database.ts'
import { deepProcessing, ENTERPRISE_A, ENTERPRISE_B, keysWithFinanceId } from '../helpers/fixtures.ts'

/** POLICY.md §5's startup tech SME example (its tax periods are rewarded once). */
const startupExample = () =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../examples/startup-tech-sme-tax-reward.json'), 'utf8'),
  ) as { application: Application }

/** `budget`: a 2015 interest-subsidy budget of 12 000 000.00 set first. */
const prepared = async (t: Test, { budget = false } = {}) => {
  const database = await testDatabase(t)
  const { financeKeyId } = await keysWithFinanceId(database)
  if (budget)
    await database.db
      .transaction()
      .execute((trx) =>
        setBudgetAmount(
          trx,
          { ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: null },
          '12000000.00',
          null,
          financeKeyId,
        ),
      )
  const claimsKept = async (id: string) =>
    (
      await sql<{ from_row: number }>`
        select from_row from batch_dry_chunks where batch_id = ${id}::uuid order by from_row`.execute(
        database.db,
      )
    ).rows.map((r) => r.from_row)
  /** A dry-run batch of these rows, sealed, not run. */
  const batchOf = (facts: readonly Application[], name: string) =>
    sealedBatch(database.db, { mode: 'dry-run', submittedBy: financeKeyId, facts, name })
  const results = async (id: string) =>
    (await resultsPage(database.db, id, 0, 100)).map((r) =>
      (r.outcomes as RowOutcome[]).map((o) => `${o.measure} ${o.status} ${o.amount}`),
    )
  const preview = async (facts: readonly Application[], chunkRows: number) => {
    const id = await batchOf(facts, `dry-run-${chunkRows}-${randomUUID()}`)
    await runBatchSlice(database.db, id, { chunkRows, sliceMs: 60_000 })
    t.same(await claimsKept(id), [], `chunks of ${chunkRows}: the batch done keeps no claim`)
    return results(id)
  }
  return { database, financeKeyId, batchOf, results, preview, claimsKept }
}

const interest = (rows: string[][]) => rows.map((r) => r.find((o) => o.startsWith('interest-subsidy ')))

// Four claims of one project on the interest subsidy's cap.
const SAME_PROJECT = Array.from({ length: 4 }, () => deepProcessing('same', '90000000.00'))

t.test('a dry run decides the same whatever its chunk size', async (t) => {
  const { preview } = await prepared(t)
  const oneChunk = await preview(SAME_PROJECT, 500)
  t.match(oneChunk[3], ['interest-subsidy capped 0.00'], 'the cap reached by the rows before')
  t.same(await preview(SAME_PROJECT, 1), oneChunk, 'a chunk per row: the same preview')
  t.same(await preview(SAME_PROJECT, 3), oneChunk, 'chunks of 3: the same preview')
})

t.test('a dry run carries its budget draws and unfunded outcomes across chunks', async (t) => {
  const { preview } = await prepared(t, { budget: true })
  // A 2015 interest-subsidy budget of 12 000 000.00: the shared project draws 5 400 000.00 +
  // 4 600 000.00 (its cap), then line-b's 5 400 000.00 no longer fits in the 2 000 000.00 left
  // (unfunded), and line-c's 600 000.00, which would fit, waits behind it in the queue.
  const facts = [
    deepProcessing('same', '90000000.00'),
    deepProcessing('same', '90000000.00'),
    deepProcessing('line-b', '90000000.00'),
    deepProcessing('line-c', '10000000.00'),
    deepProcessing('same', '90000000.00'),
  ]
  const oneChunk = await preview(facts, 500)
  t.same(
    interest(oneChunk),
    [
      'interest-subsidy eligible 5400000.00',
      'interest-subsidy eligible 4600000.00',
      'interest-subsidy unfunded 5400000.00',
      'interest-subsidy unfunded 600000.00',
      'interest-subsidy capped 0.00',
    ],
    'one chunk: the budget drawn, then the queue',
  )
  t.same(await preview(facts, 1), oneChunk, 'a chunk per row: the same preview')
  t.same(await preview(facts, 2), oneChunk, 'chunks of 2: the same preview')
})

t.test('a dry run whose chunk fails mid-batch, retried: no claim lost, none counted twice', async (t) => {
  const { database, batchOf, results, preview, claimsKept } = await prepared(t)
  const facts = [...SAME_PROJECT, ...SAME_PROJECT]
  const oneChunk = await preview(facts, 500)
  const id = await batchOf(facts, 'failing')
  // Rows 3 and 4 (the second chunk of two) fail once their claims are written: when their results
  // are (as a worker killed at that point, or a database error).
  await sql`
    create function fail_row_4() returns trigger language plpgsql as $$
      begin
        if new.row_no = 4 then raise exception 'row 4 fails'; end if;
        return new;
      end $$`.execute(database.db)
  await sql`
    create trigger fail_row_4 before insert on batch_results
    for each row execute function fail_row_4()`.execute(database.db)
  await t.rejects(runBatchSlice(database.db, id, { chunkRows: 2, sliceMs: 60_000 }), /row 4 fails/)
  t.same(await claimsKept(id), [1], 'only the committed chunk keeps its claims')
  t.ok(await failBatch(database.db, id, 'row 4 fails'))
  await sql`drop trigger fail_row_4 on batch_results`.execute(database.db)
  t.equal((await retryBatch(database.db, id))?.retried, true)
  // Retried with chunks of another size: rows 3.. see rows 1-2's claims, once, and not their own.
  await runBatchSlice(database.db, id, { chunkRows: 3, sliceMs: 60_000 })
  t.equal((await findBatch(database.db, id))?.status, 'done')
  t.same(await results(id), oneChunk, 'the same preview as in one chunk')
  t.same(await claimsKept(id), [], 'the batch done keeps no claim')
})

t.test('a dry run carries one-time grants and rewarded tax days across chunks', async (t) => {
  const { preview } = await prepared(t)
  const example = startupExample()
  // One R&D platform claimed by two enterprises (granted once), and the same tax periods twice (days
  // rewarded once), each pair split by every chunk boundary of chunks of one row.
  const platform = (enterprise: string): Application => ({
    applicationDate: '2015-09-01',
    enterprise: { creditCode: enterprise, name: 'R&D' },
    claims: {
      rdPlatforms: [
        { id: 'nerc-rare-metals', kind: 'national-engineering-research-center', recognisedOn: '2015-05-01' },
      ],
    },
  })
  const facts = [platform(ENTERPRISE_A), example.application, platform(ENTERPRISE_B), example.application]
  const oneChunk = await preview(facts, 500)
  t.ok(oneChunk[0]!.includes('rd-platform-grant eligible 3000000.00'), 'the platform granted')
  t.ok(oneChunk[2]!.includes('rd-platform-grant ineligible null'), 'once')
  t.ok(oneChunk[1]!.includes('startup-tech-sme-tax-reward eligible 33500.00'), 'the days rewarded')
  t.ok(oneChunk[3]!.includes('startup-tech-sme-tax-reward ineligible null'), 'once')
  t.same(await preview(facts, 1), oneChunk, 'a chunk per row: the same preview')
})

t.test('a dry run cancelled between chunks, retried: the same preview', async (t) => {
  const { database, batchOf, results, preview, claimsKept } = await prepared(t)
  const facts = [...SAME_PROJECT, ...SAME_PROJECT]
  const oneChunk = await preview(facts, 500)
  const id = await batchOf(facts, 'cancelled')
  // A slice of no time decides one chunk (rows 1-2), then hands the batch back: cancelled then.
  t.equal(await runBatchSlice(database.db, id, { chunkRows: 2, sliceMs: 0 }), 'more')
  t.match(await cancelBatch(database.db, id), { cancelled: true })
  t.equal(await runBatchSlice(database.db, id, { chunkRows: 2, sliceMs: 60_000 }), 'done', 'no chunk runs')
  t.same(await claimsKept(id), [1], "the decided chunk's claims kept")
  t.equal((await retryBatch(database.db, id))?.retried, true)
  await runBatchSlice(database.db, id, { chunkRows: 2, sliceMs: 60_000 })
  t.same(await results(id), oneChunk, 'the same preview as in one chunk')
  t.same(await claimsKept(id), [], 'the batch done keeps no claim')
})

t.test(
  'a dry run run by two workers in turn, each one chunk behind the other: the same preview',
  async (t) => {
    const { database, batchOf, results, preview, claimsKept } = await prepared(t, { budget: true })
    const example = startupExample()
    // Every kind of claim a chunk hands to the next: a project's running total (its cap), a budget's
    // draws and queue, rewarded tax days; each pair of rows split by a chunk boundary.
    const facts = [
      deepProcessing('same', '90000000.00'),
      deepProcessing('same', '90000000.00'),
      deepProcessing('line-b', '90000000.00'),
      example.application,
      deepProcessing('line-c', '10000000.00'),
      example.application,
      deepProcessing('same', '90000000.00'),
      deepProcessing('line-c', '10000000.00'),
    ]
    const oneChunk = await preview(facts, 500)
    t.same(
      interest(oneChunk),
      [
        'interest-subsidy eligible 5400000.00',
        'interest-subsidy eligible 4600000.00',
        'interest-subsidy unfunded 5400000.00',
        'interest-subsidy ineligible null',
        'interest-subsidy unfunded 600000.00',
        'interest-subsidy ineligible null',
        'interest-subsidy capped 0.00',
        'interest-subsidy unfunded 600000.00',
      ],
      'one chunk: the cap, the budget drawn, then its queue',
    )
    t.ok(oneChunk[3]!.includes('startup-tech-sme-tax-reward eligible 33500.00'), 'the days rewarded')
    t.ok(oneChunk[5]!.includes('startup-tech-sme-tax-reward ineligible null'), 'once')
    const id = await batchOf(facts, 'two workers')
    // Chunks of one row, one per slice, the workers taking turns: each chunk's worker holds the
    // claims as they were two chunks before, and must read the other's from the batch.
    const workers = [new DryClaimsMemory(), new DryClaimsMemory()]
    let turn = 0
    while (
      (await runBatchSlice(database.db, id, { chunkRows: 1, sliceMs: 0 }, workers[turn++ % 2])) === 'more'
    );
    t.equal(turn, facts.length, 'one chunk a turn')
    t.same(await results(id), oneChunk, 'the same preview as in one chunk')
    t.same(await claimsKept(id), [], 'the batch done keeps no claim')
    // The same again with one worker, its claims held from chunk to chunk, but the batch's first
    // chunks run by another: it reads them from the batch once, then holds them.
    const resumed = await batchOf(facts, 'resumed')
    t.equal(await runBatchSlice(database.db, resumed, { chunkRows: 3, sliceMs: 0 }, workers[0]), 'more')
    t.equal(await runBatchSlice(database.db, resumed, { chunkRows: 2, sliceMs: 60_000 }, workers[1]), 'done')
    t.same(await results(resumed), oneChunk, 'resumed by another worker: the same preview')
  },
)
