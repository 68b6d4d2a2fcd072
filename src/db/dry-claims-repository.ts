// A dry run's would-be ledger claims, kept with its batch (migration 2026-12-04T1840, issue #11
// "dry-run evaluates every row against the ledgers as they stand"): written by each chunk in its own
// transaction, read by the chunks after it for their subjects, so a dry run decides the same whatever
// its chunk size and however often its worker was restarted.

import { sql } from 'kysely'
import type { Executor } from './executor.ts'

/** One stored claim (see the migration for what each kind holds). */
export interface DryClaim {
  ledger: string
  key: string
  kind: 'cumulative' | 'once' | 'days' | 'queued'
  /** cumulative: the chunk's claims summed; once: the grant's amount (null: none). Yuan, exact. */
  amount: string | null
  item: string | null
  from: string | null
  to: string | null
  creditCode: string | null
  /** queued: unfunded outcomes the chunk would have queued in this budget */
  queued: number | null
}

/**
 * The claims of the batch's chunks before `beforeRow`, in the order their rows made them (a worker
 * that did not run the batch's chunks before reads them once: src/batches/dry-claims-memory.ts).
 * Only chunks before: a chunk re-decided after a failure never sees its own claims.
 */
export const readDryClaims = async (
  db: Executor,
  batchId: string,
  beforeRow: number,
): Promise<DryClaim[]> => {
  if (beforeRow <= 1) return []
  const rows = await sql<{
    ledger: string
    key: string
    kind: DryClaim['kind']
    amount: string | null
    item: string | null
    from_date: string | null
    to_date: string | null
    credit_code: string | null
    queued: number | null
  }>`
    select ledger, key, kind, amount::text as amount, item, from_date::text as from_date,
           to_date::text as to_date, credit_code, queued
    from batch_dry_claims
    where batch_id = ${batchId}::uuid and from_row < ${beforeRow}
    order by from_row, seq`.execute(db)
  return rows.rows.map((r) => ({
    ledger: r.ledger,
    key: r.key,
    kind: r.kind,
    amount: r.amount,
    item: r.item,
    from: r.from_date,
    to: r.to_date,
    creditCode: r.credit_code,
    queued: r.queued === null ? null : Number(r.queued),
  }))
}

/** A chunk's claims, in order, tagged with its first row (one statement; in the chunk's transaction). */
export const insertDryClaims = async (
  trx: Executor,
  batchId: string,
  fromRow: number,
  claims: readonly DryClaim[],
): Promise<void> => {
  if (claims.length === 0) return
  const json = JSON.stringify(
    claims.map((c, seq) => ({
      seq,
      ledger: c.ledger,
      key: c.key,
      kind: c.kind,
      amount: c.amount,
      item: c.item,
      from_date: c.from,
      to_date: c.to,
      credit_code: c.creditCode,
      queued: c.queued,
    })),
  )
  await sql`
    insert into batch_dry_claims (batch_id, from_row, seq, ledger, key, kind, amount, item, from_date, to_date,
                                  credit_code, queued)
    select ${batchId}::uuid, ${fromRow}::integer, seq, ledger, key, kind, amount, item, from_date, to_date,
           credit_code, queued
    from json_to_recordset(${json}::json) as c(seq integer, ledger text, key text, kind text, amount numeric,
      item text, from_date date, to_date date, credit_code text, queued integer)`.execute(trx)
}

/** A dry run done: no chunk will read its claims again. */
export const deleteDryClaims = async (trx: Executor, batchId: string): Promise<void> => {
  await trx.deleteFrom('batch_dry_claims').where('batch_id', '=', batchId).execute()
}
