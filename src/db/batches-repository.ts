// Batches (issue #11): the batch and its progress, its rows as uploaded, and its results. All the
// SQL of batches; the worker's chunk transaction (src/batches/run.ts) calls these inside one
// transaction with the chunk's decisions, so progress and results can never disagree with them.

import { sql } from 'kysely'
import { formatFenNumber, parseFen } from '../engine/money.ts'
import { MEASURE_IDS } from '../engine/record-codes.ts'
import type { Executor } from './executor.ts'

export type BatchMode = 'dry-run' | 'submit'
export type BatchFormat = 'csv' | 'jsonl' | 'xlsx'
export type BatchStatus = 'receiving' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled'

export interface BatchRow {
  id: string
  mode: BatchMode
  format: BatchFormat
  contentHash: string | null
  status: BatchStatus
  totalRows: number
  nextRow: number
  rowsDecided: number
  rowsFailed: number
  outcomeCounts: Record<string, number>
  error: string | null
  /** a CSV file's header for each column path, as the file wrote it; null for JSON Lines */
  columnNames: Readonly<Record<string, string>> | null
  submittedBy: string
  submittedRole: string
  createdAt: Date
  startedAt: Date | null
  updatedAt: Date
  finishedAt: Date | null
}

const COLUMNS = [
  'id',
  'mode',
  'format',
  'content_hash',
  'status',
  'total_rows',
  'next_row',
  'rows_decided',
  'rows_failed',
  'outcome_counts',
  'error',
  'column_names',
  'submitted_by',
  'submitted_role',
  'created_at',
  'started_at',
  'updated_at',
  'finished_at',
] as const

// biome-ignore lint/suspicious/noExplicitAny: one mapping for the row Kysely infers from COLUMNS
const toBatch = (r: any): BatchRow => ({
  id: r.id,
  mode: r.mode,
  format: r.format,
  contentHash: r.content_hash,
  status: r.status,
  totalRows: Number(r.total_rows),
  nextRow: Number(r.next_row),
  rowsDecided: Number(r.rows_decided),
  rowsFailed: Number(r.rows_failed),
  outcomeCounts: r.outcome_counts ?? {},
  error: r.error,
  columnNames: r.column_names ?? null,
  submittedBy: r.submitted_by,
  submittedRole: r.submitted_role,
  createdAt: r.created_at,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
})

export const createBatch = async (
  db: Executor,
  b: { id: string; mode: BatchMode; format: BatchFormat; submittedBy: string; submittedRole: string },
): Promise<void> => {
  await db
    .insertInto('batches')
    .values({
      id: b.id,
      mode: b.mode,
      format: b.format,
      submitted_by: b.submittedBy,
      submitted_role: b.submittedRole,
    })
    .execute()
}

export interface InputRow {
  row: number
  facts: unknown
  errors: unknown
  /** submit: the row's idempotency key, computed at upload (src/batches/row-keys.ts) */
  rowKey?: string | null
}

/** A slice of uploaded rows, in one statement. */
export const insertInputs = async (
  db: Executor,
  batchId: string,
  rows: readonly InputRow[],
): Promise<void> => {
  if (rows.length === 0) return
  const json = JSON.stringify(
    rows.map((r) => ({ row_no: r.row, facts: r.facts, errors: r.errors, row_key: r.rowKey ?? null })),
  )
  await sql`
    insert into batch_inputs (batch_id, row_no, facts, errors, row_key)
    select ${batchId}::uuid, row_no, facts, errors, row_key
    from jsonb_to_recordset(${json}::jsonb) as r(row_no integer, facts jsonb, errors jsonb, row_key text)`.execute(
    db,
  )
}

/**
 * The upload is complete: the batch gets its identity and is queued. A submitted batch whose bytes
 * were submitted before is the same batch: this one is deleted and the first one's id returned.
 */
export const sealBatch = async (
  db: Executor,
  id: string,
  totalRows: number,
  contentHash: string,
  columnNames: Readonly<Record<string, string>> | null = null,
): Promise<{ duplicateOf: string | null }> => {
  try {
    await db
      .updateTable('batches')
      .set({
        total_rows: totalRows,
        content_hash: contentHash,
        column_names: columnNames === null ? null : JSON.stringify(columnNames),
        status: 'queued',
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      // A batch the sweep gave up on (failBatchesNotUploaded) stays failed: it is answered as it is.
      .where('status', '=', 'receiving')
      .execute()
    return { duplicateOf: null }
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error
    await deleteBatch(db, id)
    const first = await db
      .selectFrom('batches')
      .select('id')
      .where('mode', '=', 'submit')
      .where('content_hash', '=', contentHash)
      .executeTakeFirstOrThrow()
    return { duplicateOf: first.id }
  }
}

/**
 * An upload refused or abandoned: nothing of it is kept. Never a batch with results (none of those
 * callers has any): its results name it without a foreign key, and stay (migration 2026-12-07T2200).
 */
export const deleteBatch = async (db: Executor, id: string): Promise<void> => {
  await db
    .deleteFrom('batches')
    .where('id', '=', id)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('batch_results').select('row_no').where('batch_id', '=', id))),
    )
    .execute()
}

export const findBatch = async (db: Executor, id: string): Promise<BatchRow | null> => {
  const row = await db.selectFrom('batches').select(COLUMNS).where('id', '=', id).executeTakeFirst()
  return row ? toBatch(row) : null
}

/** Batches newest first (keyset pagination on seq), of one mode and one status when given. */
export const listBatches = async (
  db: Executor,
  f: { mode?: BatchRow['mode']; status?: BatchRow['status']; beforeSeq?: string; limit: number },
): Promise<{ batch: BatchRow; seq: string }[]> => {
  let q = db
    .selectFrom('batches')
    .select([...COLUMNS, 'seq'])
    .orderBy('seq', 'desc')
    .limit(f.limit)
  if (f.mode !== undefined) q = q.where('mode', '=', f.mode)
  if (f.status !== undefined) q = q.where('status', '=', f.status)
  if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq as never)
  return (await q.execute()).map((r) => ({ batch: toBatch(r), seq: String(r.seq) }))
}

/** Batches queued or started and not finished, oldest first: what an in-process runner resumes. */
export const unfinishedBatches = async (db: Executor): Promise<string[]> =>
  (
    await db
      .selectFrom('batches')
      .select('id')
      .where('status', 'in', ['queued', 'running'])
      .orderBy('seq')
      .execute()
  ).map((r) => r.id)

/**
 * Locks the batch for one chunk (the first lock a chunk takes, before any ledger subject): two
 * workers on the same batch take turns, and each sees where the other stopped.
 */
export const lockBatch = async (trx: Executor, id: string): Promise<BatchRow | null> => {
  const row = await trx
    .selectFrom('batches')
    .select(COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  return row ? toBatch(row) : null
}

/**
 * This transaction commits without waiting for its WAL to reach the disk (synchronous_commit off,
 * for this transaction only). For a dry run's chunk (src/batches/run.ts): it grants nothing, and
 * everything it writes — its results, its would-be claims, the batch's next_row — is one
 * transaction, so a crash of the database loses whole chunks at most, as if they had not run, and
 * the next run decides them again from next_row, exactly. Never for a chunk that grants.
 */
export const commitWithoutWaiting = async (trx: Executor): Promise<void> => {
  await sql`set local synchronous_commit = off`.execute(trx)
}

export const readInputs = async (
  trx: Executor,
  batchId: string,
  from: number,
  to: number,
): Promise<InputRow[]> =>
  (
    await trx
      .selectFrom('batch_inputs')
      .select(['row_no', 'facts', 'errors', 'row_key'])
      .where('batch_id', '=', batchId)
      .where('row_no', '>=', from)
      .where('row_no', '<=', to)
      .orderBy('row_no')
      .execute()
  ).map((r) => ({ row: r.row_no, facts: r.facts, errors: r.errors, rowKey: r.row_key }))

export interface ResultRow {
  row: number
  status: 'decided' | 'error'
  rowKey: string | null
  applicationId: string | null
  decisionId: string | null
  totalAmount: string | null
  outcomes: unknown
  errors: unknown
  /**
   * The current decision of the row's chain when a correction or a budget's funding superseded the
   * row's decision since (resultsPage; null while the row's decision is current, and for other reads)
   */
  supersededBy?: string | null
}

/** One outcome of a decided row as results show it (src/batches/run.ts builds them). */
export interface RowOutcome {
  measure: string
  status: string
  amount: string | null
  reasons: readonly RowReason[]
}

/** A reason of a row's outcome: its code and both texts. */
export type RowReason = { readonly code: string; readonly zh: string; readonly en: string }

/**
 * An outcome as stored since migration 2026-12-04T1820 (lean, in batch_results.outcome_codes: the JSON
 * text of the row's outcomes, null for an error row): [measure, status, amount, reasons] —
 * the measure as its frozen code (MEASURE_IDS index; its id when it has none), the amount in fen (a
 * JSON number, exact below 2^53 fen; the yuan string when it would not read back the same), and each
 * reason as [code, index of its texts in the batch's batch_reason_texts]. Rows stored before keep
 * RowOutcome objects, texts included; both read the same (decodeOutcomes).
 */
type LeanOutcome = [number | string, string, number | string | null, [string, number][]]

const MEASURE_CODE = new Map(MEASURE_IDS.map((id, i) => [id, i]))

const leanAmount = (amount: string | null): number | string | null => {
  if (amount === null) return null
  let fen: number
  try {
    fen = Number(parseFen(amount))
  } catch {
    return amount
  }
  return Number.isSafeInteger(fen) && formatFenNumber(fen) === amount ? fen : amount
}

/** Reason texts by zh then en (two lookups of the engine's strings: no key built per reason). */
class TextMap<T> {
  private readonly byZh = new Map<string, Map<string, T>>()
  get(zh: string, en: string): T | undefined {
    return this.byZh.get(zh)?.get(en)
  }
  set(zh: string, en: string, value: T): void {
    const byEn = this.byZh.get(zh)
    if (byEn) byEn.set(en, value)
    else this.byZh.set(zh, new Map([[en, value]]))
  }
}

/** The outcomes of a row as stored, lean or not, as results show them. */
const decodeOutcomes = (
  outcomes: unknown,
  texts: (idx: number) => { zh: string; en: string },
): RowOutcome[] | null => {
  if (!Array.isArray(outcomes)) return outcomes as null
  return outcomes.map((o: RowOutcome | LeanOutcome): RowOutcome => {
    if (!Array.isArray(o)) return o
    const [m, status, amount, reasons] = o
    return {
      measure: typeof m === 'number' ? MEASURE_IDS[m]! : m,
      status,
      amount: typeof amount === 'number' ? formatFenNumber(amount) : amount,
      reasons: reasons.map(([code, idx]) => ({ code, ...texts(idx) })),
    }
  })
}

/** The text indexes a stored row's lean outcomes refer to. */
const textIndexes = (outcomes: unknown, into: Set<number>): void => {
  if (!Array.isArray(outcomes)) return
  for (const o of outcomes)
    if (Array.isArray(o)) for (const [, idx] of o[3] as [string, number][]) into.add(idx)
}

/**
 * The indexes of these texts in the batch's batch_reason_texts, the missing ones appended (in one
 * statement). The caller holds the batch's row lock (lockBatch), so no other chunk appends meanwhile.
 */
const reasonTextIndexes = async (
  trx: Executor,
  batchId: string,
  texts: readonly { zh: string; en: string }[],
): Promise<TextMap<number>> => {
  const indexes = new TextMap<number>()
  if (texts.length === 0) return indexes
  const rows = await sql<{ idx: number; zh: string; en: string }>`
    with wanted as (
      select w.zh, w.en, w.ord
      from unnest(${texts.map((x) => x.zh)}::text[], ${texts.map((x) => x.en)}::text[]) with ordinality as w(zh, en, ord)
    ),
    have as (
      select t.idx, t.zh, t.en
      from batch_reason_texts t join wanted w
        on t.batch_id = ${batchId}::uuid and md5(t.zh || E'\n' || t.en) = md5(w.zh || E'\n' || w.en)
           and t.zh = w.zh and t.en = w.en
    ),
    missing as (
      select w.zh, w.en, row_number() over (order by w.ord) - 1 as n
      from wanted w
      where not exists (select 1 from have h where h.zh = w.zh and h.en = w.en)
    ),
    added as (
      insert into batch_reason_texts (batch_id, idx, zh, en)
      select ${batchId}::uuid,
             (select coalesce(max(idx), -1) + 1 from batch_reason_texts where batch_id = ${batchId}::uuid) + m.n,
             m.zh, m.en
      from missing m
      returning idx, zh, en
    )
    select idx, zh, en from have union all select idx, zh, en from added`.execute(trx)
  for (const r of rows.rows) indexes.set(r.zh, r.en, Number(r.idx))
  return indexes
}

/** The texts of these (batch, index) pairs, by batch then index. */
const reasonTexts = async (
  db: Executor,
  wanted: readonly { batchId: string; idx: number }[],
): Promise<Map<string, { zh: string; en: string }>> => {
  if (wanted.length === 0) return new Map()
  const rows = await sql<{ batch_id: string; idx: number; zh: string; en: string }>`
    select t.batch_id, t.idx, t.zh, t.en
    from batch_reason_texts t
    join unnest(${wanted.map((w) => w.batchId)}::uuid[], ${wanted.map((w) => w.idx)}::integer[]) as w(batch_id, idx)
      on t.batch_id = w.batch_id and t.idx = w.idx`.execute(db)
  return new Map(rows.rows.map((r) => [`${r.batch_id}:${r.idx}`, { zh: r.zh, en: r.en }]))
}

/** A string or null as JSON. */
const jsonText = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value))

/**
 * The rows as insertResults' json_to_recordset reads them, each outcome lean (LeanOutcome): the
 * text JSON.stringify would give, written out here (issue #11 "Speed": about a third less CPU than
 * JSON.stringify of each row's nested arrays, bench/batch-speed.ts), each distinct reason's pair
 * written once. `outcome_codes` is a JSON value that json_to_recordset keeps as written: stored as
 * this text, no second escaping, no jsonb spacing.
 */
const resultsJson = (
  rows: readonly ResultRow[],
  reasons: ReadonlyMap<RowReason, [string, number]>,
): string => {
  const reasonJson = new Map<RowReason, string>()
  for (const [x, pair] of reasons) reasonJson.set(x, JSON.stringify(pair))
  // An outcome without an amount is often one object shared by many rows (decideChunk): written once.
  const shared = new Map<RowOutcome, string>()
  const outcomeJson = (o: RowOutcome): string => {
    const known = o.amount === null ? shared.get(o) : undefined
    if (known !== undefined) return known
    const measure = MEASURE_CODE.get(o.measure)
    const amount = leanAmount(o.amount)
    let why = '['
    for (let j = 0; j < o.reasons.length; j++) why += (j === 0 ? '' : ',') + reasonJson.get(o.reasons[j]!)!
    const text = `[${measure ?? JSON.stringify(o.measure)},${JSON.stringify(o.status)},${typeof amount === 'number' ? amount : jsonText(amount)},${why}]]`
    if (o.amount === null) shared.set(o, text)
    return text
  }
  let json = '['
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!
    let codes = 'null'
    if (r.outcomes !== null) {
      const outcomes = r.outcomes as readonly RowOutcome[]
      codes = '['
      for (let i = 0; i < outcomes.length; i++) codes += (i === 0 ? '' : ',') + outcomeJson(outcomes[i]!)
      codes += ']'
    }
    json += `${k === 0 ? '' : ','}{"row_no":${r.row},"status":${JSON.stringify(r.status)},"row_key":${jsonText(r.rowKey)},"application_id":${jsonText(r.applicationId)},"decision_id":${jsonText(r.decisionId)},"total_amount":${jsonText(r.totalAmount)},"outcome_codes":${codes},"errors":${r.errors === null || r.errors === undefined ? 'null' : JSON.stringify(r.errors)}}`
  }
  return `${json}]`
}

/**
 * A chunk's results: their reason texts looked up or appended in the batch's texts (one statement),
 * then the rows, lean, in one statement.
 */
export const insertResults = async (
  trx: Executor,
  batchId: string,
  rows: readonly ResultRow[],
): Promise<void> => {
  if (rows.length === 0) return
  // Each reason object converted once: a chunk's rows share one object per distinct reason
  // (decideChunk's ChunkKept), so most are found by identity, without reading their texts.
  const lean = new Map<RowReason, [string, number]>()
  const seen = new TextMap<true>()
  const distinct: { zh: string; en: string }[] = []
  for (const r of rows)
    for (const o of (r.outcomes ?? []) as RowOutcome[])
      for (const x of o.reasons) {
        if (lean.has(x)) continue
        lean.set(x, [x.code, -1])
        if (seen.get(x.zh, x.en)) continue
        seen.set(x.zh, x.en, true)
        distinct.push({ zh: x.zh, en: x.en })
      }
  const indexes = await reasonTextIndexes(trx, batchId, distinct)
  for (const [x, pair] of lean) pair[1] = indexes.get(x.zh, x.en)!
  const json = resultsJson(rows, lean)
  await sql`
    insert into batch_results (batch_id, row_no, status, row_key, application_id, decision_id, total_amount,
                               outcome_codes, errors)
    select ${batchId}::uuid, row_no, status, row_key, application_id, decision_id, total_amount,
           outcome_codes::text, errors
    from json_to_recordset(${json}::json) as r(row_no integer, status text, row_key text, application_id uuid,
      decision_id uuid, total_amount numeric, outcome_codes json, errors jsonb)`.execute(trx)
}

/**
 * Locks submitted rows' keys for the rest of the chunk's transaction (transaction-scoped advisory
 * locks, taken in hash order before any ledger subject, so two chunks never wait on each other in
 * a cycle): two batches holding the same row, decided at the same time on two workers, take turns,
 * and the second finds the first's result (resultsByKey) instead of deciding the row again.
 */
export const lockRowKeys = async (trx: Executor, keys: readonly string[]): Promise<void> => {
  if (keys.length === 0) return
  await sql`
    select pg_advisory_xact_lock(h)
    from (select distinct hashtextextended(k, 0) as h
          from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as k
          order by h) as s`.execute(trx)
}

/** The columns of a stored row result (ResultRow). */
const RESULT_COLUMNS = [
  'row_no',
  'status',
  'row_key',
  'application_id',
  'decision_id',
  'total_amount',
  'outcomes',
  'outcome_codes',
  'errors',
] as const

/** A row of RESULT_COLUMNS as a ResultRow (its outcomes as stored: decoded by withTexts). */
const resultRowOf = (r: {
  row_no: number
  status: string
  row_key: string | null
  application_id: string | null
  decision_id: string | null
  total_amount: ResultRow['totalAmount']
  outcomes: unknown
  outcome_codes: string | null
  errors: unknown
}): ResultRow => ({
  row: r.row_no,
  status: r.status as ResultRow['status'],
  rowKey: r.row_key,
  applicationId: r.application_id,
  decisionId: r.decision_id,
  totalAmount: r.total_amount,
  // lean (LeanOutcome[]) since migration 2026-12-04T1820; before, RowOutcome objects in `outcomes`
  outcomes: r.outcome_codes === null ? r.outcomes : JSON.parse(r.outcome_codes),
  errors: r.errors,
})

/** The results already stored under these row keys (any batch), by key. */
export const resultsByKey = async (
  trx: Executor,
  keys: readonly string[],
): Promise<Map<string, ResultRow>> => {
  if (keys.length === 0) return new Map()
  const rows = await trx
    .selectFrom('batch_results')
    .select([...RESULT_COLUMNS, 'batch_id'])
    .where('row_key', 'in', [...keys])
    .execute()
  const decoded = await withTexts(
    trx,
    rows.map((r) => ({ batchId: r.batch_id, row: resultRowOf(r) })),
  )
  return new Map(decoded.map((r) => [r.rowKey as string, r]))
}

/** Which of `keys` a submitted row already holds (batch_results.row_key, unique). */
export const existingRowKeys = async (db: Executor, keys: readonly string[]): Promise<Set<string>> => {
  if (keys.length === 0) return new Set()
  const rows = await db
    .selectFrom('batch_results')
    .select('row_key')
    .where('row_key', 'in', [...keys])
    .execute()
  return new Set(rows.map((r) => r.row_key as string))
}

/** Stored rows (of any batches) with their outcomes as results show them, reason texts looked up. */
const withTexts = async (
  db: Executor,
  rows: readonly { batchId: string; row: ResultRow }[],
): Promise<ResultRow[]> => {
  const wanted: { batchId: string; idx: number }[] = []
  const seen = new Set<string>()
  for (const { batchId, row } of rows) {
    const indexes = new Set<number>()
    textIndexes(row.outcomes, indexes)
    for (const idx of indexes) {
      const key = `${batchId}:${idx}`
      if (seen.has(key)) continue
      seen.add(key)
      wanted.push({ batchId, idx })
    }
  }
  const texts = await reasonTexts(db, wanted)
  return rows.map(({ batchId, row }) => ({
    ...row,
    outcomes: decodeOutcomes(row.outcomes, (idx) => {
      const text = texts.get(`${batchId}:${idx}`)
      if (!text) throw new Error(`batch ${batchId}: reason text ${idx} missing`)
      return text
    }),
  }))
}

export const markRunning = async (db: Executor, id: string): Promise<void> => {
  await db
    .updateTable('batches')
    .set({ status: 'running', started_at: sql`coalesce(started_at, now())`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute()
}

/** Progress after a chunk (in the chunk's transaction). */
export const advanceBatch = async (
  trx: Executor,
  id: string,
  p: {
    nextRow: number
    rowsDecided: number
    rowsFailed: number
    outcomeCounts: Record<string, number>
    done: boolean
  },
): Promise<void> => {
  await trx
    .updateTable('batches')
    .set({
      next_row: p.nextRow,
      rows_decided: p.rowsDecided,
      rows_failed: p.rowsFailed,
      outcome_counts: JSON.stringify(p.outcomeCounts),
      updated_at: sql`now()`,
      ...(p.done ? { status: 'done' as const, finished_at: sql`now()` } : {}),
    })
    .where('id', '=', id)
    .execute()
}

/**
 * A batch that cannot go on: `failed`, with why and the row it stopped at (its next chunk's first
 * row), so the bureau can read it (GET /v1/batches/{id}) and retry it (retryBatch). Only a batch
 * still queued or running fails: a batch done meanwhile (another worker finished it) stays done.
 * Returns whether it failed now.
 */
export const failBatch = async (db: Executor, id: string, error: string): Promise<boolean> => {
  const failed = await db
    .updateTable('batches')
    .set({
      status: 'failed',
      error: sql<string>`'stopped at row ' || next_row || ' of ' || total_rows || ': ' || ${error}::text`,
      updated_at: sql`now()`,
      finished_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst()
  return Number(failed.numUpdatedRows) > 0
}

/**
 * A failed or cancelled batch queued again (a new attempt): its reason is cleared and it resumes at
 * next_row — the rows its committed chunks decided keep their results, and a submitted row's key
 * answers the decision stored then, so no row is decided or granted twice. A batch whose upload
 * never completed (no content hash: failBatchesNotUploaded) has no rows to resume: it is not queued.
 * Returns whether it was queued again and its status as it is after; null when there is no such batch.
 */
export const retryBatch = async (
  db: Executor,
  id: string,
): Promise<{ retried: boolean; status: BatchStatus; uploaded: boolean } | null> => {
  const retried = await db
    .updateTable('batches')
    .set({ status: 'queued', error: null, finished_at: sql`null`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'cancelled'])
    .where('content_hash', 'is not', null)
    .executeTakeFirst()
  if (Number(retried.numUpdatedRows) > 0) return { retried: true, status: 'queued', uploaded: true }
  const batch = await findBatch(db, id)
  return batch ? { retried: false, status: batch.status, uploaded: batch.contentHash !== null } : null
}

/**
 * The bureau stops a batch (POST /v1/batches/{id}/cancel): `cancelled`, so no chunk decides another
 * of its rows. The update waits for the batch row's lock, which a running chunk holds until it
 * commits (lockBatch): the chunk's rows stay decided (they are decisions, with their results), and
 * the next chunk, locking the batch, finds it cancelled and stops. Only a batch queued, running or
 * failed is cancelled; returns whether it was cancelled now and its status after; null when there
 * is no such batch.
 */
export const cancelBatch = async (
  db: Executor,
  id: string,
): Promise<{ cancelled: boolean; status: BatchStatus } | null> => {
  const cancelled = await db
    .updateTable('batches')
    .set({ status: 'cancelled', error: null, updated_at: sql`now()`, finished_at: sql`now()` })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running', 'failed'])
    .executeTakeFirst()
  if (Number(cancelled.numUpdatedRows) > 0) return { cancelled: true, status: 'cancelled' }
  const batch = await findBatch(db, id)
  return batch ? { cancelled: false, status: batch.status } : null
}

/** An upload still streaming in: its batch was active now (each slice of rows stored touches it). */
export const touchUpload = async (db: Executor, id: string): Promise<void> => {
  await db
    .updateTable('batches')
    .set({ updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', 'receiving')
    .execute()
}

/**
 * Uploads that will never complete: batches still `receiving` with no slice stored for
 * `graceSeconds` (the process receiving them was killed mid-stream; a live upload touches its batch
 * with every slice, and its whole request must arrive within REQUEST_TIMEOUT_MS). They are `failed`,
 * "upload did not complete", so none stays `receiving` for ever; their rows are kept for the record
 * but never decided (a retry refuses them: the file is uploaded again). Returns their ids.
 */
export const failBatchesNotUploaded = async (db: Executor, graceSeconds: number): Promise<string[]> =>
  (
    await db
      .updateTable('batches')
      .set({
        status: 'failed',
        error: UPLOAD_DID_NOT_COMPLETE,
        updated_at: sql`now()`,
        finished_at: sql`now()`,
      })
      .where('status', '=', 'receiving')
      .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${graceSeconds})`)
      .returning('id')
      .execute()
  ).map((r) => r.id)

/** Why a batch whose upload was cut off failed. */
export const UPLOAD_DID_NOT_COMPLETE = 'upload did not complete'

/**
 * Batches queued or running that no pg-boss job will run (none created, retrying or active), last
 * changed more than `graceSeconds` ago (an upload is sealed a moment before its job is sent), with
 * the state and error of their last job: 'failed' when pg-boss gave up (retries spent, or expired
 * on its last try), 'cancelled', or null when no job is left (never sent: the send failed after the
 * seal; or archived). The queue's schema is pg-boss's (src/batches/queue.ts).
 */
export const batchesWithoutJob = async (
  db: Executor,
  queue: string,
  graceSeconds: number,
): Promise<{ id: string; lastState: string | null; lastError: string | null }[]> => {
  const rows = await sql<{ id: string; last_state: string | null; last_error: string | null }>`
    select b.id, last.state as last_state, last.error as last_error
    from batches b
    left join lateral (
      select j.state::text as state,
             coalesce(j.output ->> 'message', j.output #>> '{value,message}', j.output::text) as error
      from pgboss.job j
      where j.name = ${queue} and j.data ->> 'batchId' = b.id::text
      order by j.created_on desc
      limit 1
    ) last on true
    where b.status in ('queued', 'running')
      and b.updated_at < now() - make_interval(secs => ${graceSeconds})
      and not exists (
        select 1 from pgboss.job j
        where j.name = ${queue} and j.data ->> 'batchId' = b.id::text
          and j.state in ('created', 'retry', 'active'))
    order by b.seq`.execute(db)
  return rows.rows.map((r) => ({ id: r.id, lastState: r.last_state, lastError: r.last_error }))
}

/** The first `limit` error rows' errors, in row order. */
export const batchErrors = async (db: Executor, id: string, limit: number): Promise<unknown[]> =>
  (
    await db
      .selectFrom('batch_results')
      .select('errors')
      .where('batch_id', '=', id)
      .where('status', '=', 'error')
      .orderBy('row_no')
      .limit(limit)
      .execute()
  ).flatMap((r) => (Array.isArray(r.errors) ? r.errors : []))

/**
 * Results after `afterRow`, in row order (keyset pages for streaming), each with the current decision
 * of its chain when its own was superseded since the batch (a top-up funded an unfunded row, a
 * correction): what the results file shows the bureau must not contradict the totals.
 */
export const resultsPage = async (
  db: Executor,
  id: string,
  afterRow: number,
  limit: number,
): Promise<ResultRow[]> => {
  const rows = await withTexts(
    db,
    (
      await db
        .selectFrom('batch_results')
        .select(RESULT_COLUMNS)
        .where('batch_id', '=', id)
        .where('row_no', '>', afterRow)
        .orderBy('row_no')
        .limit(limit)
        .execute()
    ).map((r) => ({ batchId: id, row: resultRowOf(r) })),
  )
  const current = await latestOfChains(
    db,
    rows.flatMap((r) => (r.decisionId === null ? [] : [r.decisionId])),
  )
  return rows.map((r) => ({ ...r, supersededBy: (r.decisionId && current.get(r.decisionId)) ?? null }))
}

/**
 * For decisions superseded since, the current decision of each one's chain of corrections: one
 * statement walking the chains forward (as budget-repository's placeAfterCorrecting walks them back).
 */
const latestOfChains = async (db: Executor, ids: readonly string[]): Promise<Map<string, string>> => {
  if (ids.length === 0) return new Map()
  const rows = await sql<{ origin: string; id: string }>`
    with recursive chain (origin, id) as (
      select d.supersedes, d.id from decisions d where d.supersedes = any(${[...ids]}::uuid[])
      union all
      select chain.origin, n.id from decisions n join chain on n.supersedes = chain.id
    )
    select origin, id from chain c
    where not exists (select 1 from decisions n where n.supersedes = c.id)`.execute(db)
  return new Map(rows.rows.map((r) => [r.origin, r.id]))
}
