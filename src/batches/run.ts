// The batch job (issue #11 "Jobs"): one handler, whichever runner calls it — pg-boss workers on
// PostgreSQL (in the API process or `npm run worker`), or the in-process runner on PGlite. A call
// works on one batch for up to `sliceMs`, chunk after chunk; each chunk is ONE transaction that
// locks the batch row, reads the next rows, decides them (src/decisions/decide-chunk.ts), writes
// their results and advances `next_row`. A worker killed mid-chunk rolls the chunk back entirely;
// the next call starts at `next_row`: no row lost, none decided twice.

import type { Kysely } from 'kysely'
import type { Caller } from '../auth/api-keys.ts'
import {
  advanceBatch,
  commitWithoutWaiting,
  insertResults,
  lockBatch,
  lockRowKeys,
  markRunning,
  type ResultRow,
  type RowOutcome,
  readInputs,
  resultsByKey,
} from '../db/batches-repository.ts'
import { type DryClaim, deleteDryClaims, readDryClaims } from '../db/dry-claims-repository.ts'
import { inTransaction } from '../db/retry.ts'
import type { Database } from '../db/schema.ts'
import { letOthersIn } from '../db/take-turns.ts'
import { type ChunkRow, decideChunk } from '../decisions/decide-chunk.ts'
import type { Application } from '../engine/types.ts'
import { columnAt } from './columns.ts'
import { BatchDryClaims, DryClaimsMemory } from './dry-claims-memory.ts'
import type { RowError } from './parse.ts'

export interface RunOptions {
  /** rows per chunk transaction (BATCH_CHUNK_ROWS) */
  chunkRows: number
  /** how long one call works before it hands the batch back to the queue */
  sliceMs: number
  /** a submit chunk's rows stored together while the next are decided (decideChunk; DEFAULT_STORE_ROWS) */
  storeRows?: number
}

export const DEFAULT_RUN_OPTIONS: RunOptions = { chunkRows: 500, sliceMs: 10_000 }

export type { RowOutcome } from '../db/batches-repository.ts'

/**
 * A row error's column, found when the row is decided: named as the file's header named it (a CSV
 * with Chinese headers reads "项目纳税记录"), else by its path, as JSON Lines and older batches name it.
 */
const columnName = (names: Readonly<Record<string, string>> | null, pointer: string): string | null => {
  const column = columnAt(pointer)
  return column ? (names?.[column.path] ?? column.path) : null
}

/**
 * A submitted row's idempotency key, computed when the file is uploaded (routes/batches.ts): the
 * SHA-256 of its application's canonical JSON (RFC 8785) — its facts, whatever the file's format,
 * encoding, header language or row number — and `occurrence`, counting that same application within
 * the file (1 for its first row), so two identical rows of one file stay two applications, as if
 * posted alone twice. Rows uploaded before migration 2026-12-03T1720 keep `<file hash>:<row>`.
 */
export const rowKeyOf = (factsHash: string, occurrence: number): string =>
  `application:${factsHash}:${occurrence}`

/** The dry runs' claims this process's workers hold between chunks (src/batches/dry-claims-memory.ts). */
const WORKER_MEMORY = new DryClaimsMemory()

/** A chunk's end; a dry run's: the claims it read and those its rows made, to hold once it commits. */
interface ChunkRun {
  state: 'done' | 'more' | 'missing'
  dry?: { held: BatchDryClaims; nextRow: number; claims: readonly DryClaim[] }
}

/**
 * Runs chunks of the batch until it is done or the slice is used up. `memory`: where a dry run's
 * claims are held between chunks (one per worker; the process's by default).
 */
export const runBatchSlice = async (
  db: Kysely<Database>,
  batchId: string,
  options: RunOptions = DEFAULT_RUN_OPTIONS,
  memory: DryClaimsMemory = WORKER_MEMORY,
): Promise<'done' | 'more' | 'missing'> => {
  const deadline = Date.now() + options.sliceMs
  await markRunning(db, batchId)
  for (;;) {
    const { state, dry } = await inTransaction(db, (trx) => runChunk(trx, batchId, options, memory))
    // Committed (never inside the transaction, which may be retried): what the next chunk reads,
    // unless another worker runs it.
    if (dry && state === 'more') {
      dry.held.advance(dry.nextRow, dry.claims)
      memory.keep(batchId, dry.held)
    } else memory.forget(batchId)
    if (state !== 'more') return state
    if (Date.now() >= deadline) return 'more'
    // Requests that arrived during the chunk are served before the next one (src/db/take-turns.ts).
    await letOthersIn()
  }
}

const runChunk = async (
  trx: Parameters<Parameters<typeof inTransaction>[1]>[0],
  batchId: string,
  { chunkRows, storeRows }: RunOptions,
  memory: DryClaimsMemory,
): Promise<ChunkRun> => {
  const batch = await lockBatch(trx, batchId)
  if (!batch) return { state: 'missing' }
  // Nothing more to decide: done, failed, or cancelled by the bureau (between two chunks: the rows
  // of the chunks committed before stay decided).
  if (batch.status === 'done' || batch.status === 'failed' || batch.status === 'cancelled')
    return { state: 'done' }
  const submit = batch.mode === 'submit'
  // A dry run's chunk does not wait for the disk when it commits (see commitWithoutWaiting).
  if (!submit) await commitWithoutWaiting(trx)
  const from = batch.nextRow
  const to = Math.min(batch.totalRows, from + chunkRows - 1)
  const inputs = from <= to ? await readInputs(trx, batchId, from, to) : []
  const caller: Caller = {
    keyId: batch.submittedBy,
    role: batch.submittedRole as Caller['role'],
    enterprise: null,
  }
  const valid: ChunkRow[] = inputs.flatMap((i) =>
    i.facts ? [{ row: i.row, facts: i.facts as Application }] : [],
  )
  // submit: a row whose application was already submitted, by this batch or any other (a file
  // re-saved, re-encoded, with its headers in the other language, a bad row corrected, rows added),
  // answers the decision stored then; it is never decided, nor granted, twice.
  const keys = new Map(
    submit
      ? inputs
          .filter((i) => i.facts)
          .map((i) => [i.row, i.rowKey ?? `${batch.contentHash}:${i.row}`] as const)
      : [],
  )
  await lockRowKeys(trx, [...keys.values()])
  const earlier = await resultsByKey(trx, [...keys.values()])
  const firstInChunk = new Map<string, number>()
  const fresh = valid.filter((v) => {
    const key = keys.get(v.row)
    if (key === undefined) return true
    if (earlier.has(key) || firstInChunk.has(key)) return false
    firstInChunk.set(key, v.row)
    return true
  })
  // A dry run's rows see the would-be claims of its chunks before this one: held by this worker if
  // it ran the chunk before, else read from the batch. Its last chunk's are kept for no chunk.
  const claimsBefore = submit
    ? undefined
    : (memory.before(batchId, from) ?? new BatchDryClaims(from, await readDryClaims(trx, batchId, from)))
  let chunkClaims: readonly DryClaim[] = []
  const dryRun = claimsBefore && {
    batchId,
    fromRow: from,
    last: to >= batch.totalRows,
    earlier: (subjects: readonly { ledger: string; key: string }[]) => claimsBefore.on(subjects),
    decided: (claims: readonly DryClaim[]) => {
      chunkClaims = claims
    },
  }
  const decided = new Map(
    (await decideChunk(trx, caller, fresh, submit, dryRun, storeRows)).map((r) => [r.row, r]),
  )
  const chunkResults = new Map<number, ResultRow>()

  const counts = { ...batch.outcomeCounts }
  let rowsDecided = batch.rowsDecided
  let rowsFailed = batch.rowsFailed
  const results: ResultRow[] = inputs.map((input): ResultRow => {
    const key = keys.get(input.row)
    const answered =
      key === undefined
        ? undefined
        : (earlier.get(key) ??
          (firstInChunk.get(key) === input.row ? undefined : chunkResults.get(firstInChunk.get(key)!)))
    if (answered && answered.status === 'decided') {
      // The earlier row's application, decision and outcomes; counted as a duplicate, not again by
      // outcome, so the batch's counts are what this batch granted.
      rowsDecided += 1
      counts['duplicate'] = (counts['duplicate'] ?? 0) + 1
      return { ...answered, row: input.row, rowKey: null, errors: null }
    }
    if (answered) {
      // The same facts as an earlier row of this chunk that the engine refused: the same errors.
      rowsFailed += 1
      const errors = (answered.errors as RowError[]).map((e) => ({ ...e, row: input.row }))
      return { ...answered, row: input.row, errors }
    }
    const r = decided.get(input.row)
    if (!r || r.status === 'error') {
      rowsFailed += 1
      const errors: RowError[] = r
        ? r.errors.map((e) => ({
            row: input.row,
            column: columnName(batch.columnNames, e.pointer),
            pointer: e.pointer,
            message: e.message,
            messageZh: e.messageZh,
          }))
        : (input.errors as RowError[])
      const refused: ResultRow = {
        row: input.row,
        status: 'error',
        rowKey: null,
        applicationId: null,
        decisionId: null,
        totalAmount: null,
        outcomes: null,
        errors,
      }
      chunkResults.set(input.row, refused)
      return refused
    }
    rowsDecided += 1
    // Already as results show them (decideChunk's ChunkEvaluation), each reason one object per chunk.
    const outcomes: readonly RowOutcome[] = r.evaluation.outcomes
    for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1
    const result: ResultRow = {
      row: input.row,
      status: 'decided',
      // The row's idempotency key (rowKeyOf). Unique: an application is stored once, whichever
      // batch, file or worker gets to it.
      rowKey: key ?? null,
      applicationId: r.applicationId,
      decisionId: r.decisionId,
      totalAmount: r.evaluation.totalAmount,
      outcomes,
      errors: null,
    }
    chunkResults.set(input.row, result)
    return result
  })
  await insertResults(trx, batchId, results)
  const done = to >= batch.totalRows
  // No chunk of a dry run done reads its claims again (a batch of one chunk kept none).
  if (done && !submit && from > 1) await deleteDryClaims(trx, batchId)
  await advanceBatch(trx, batchId, { nextRow: to + 1, rowsDecided, rowsFailed, outcomeCounts: counts, done })
  if (done) return { state: 'done' }
  return {
    state: 'more',
    ...(claimsBefore ? { dry: { held: claimsBefore, nextRow: to + 1, claims: chunkClaims } } : {}),
  }
}
