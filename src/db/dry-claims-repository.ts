// A dry run's would-be ledger claims, kept with its batch (issue #11 "dry-run evaluates every row
// against the ledgers as they stand"): written by each chunk in its own transaction, one row per chunk
// (migration 2026-12-07T2210; a row per claim before), and read back whole by a worker that picks up
// the batch without holding them (src/batches/dry-claims-memory.ts), so a dry run decides the same
// whatever its chunk size and however often its worker was restarted.

import type { Executor } from './executor.ts'

/** One stored claim (see migration 2026-12-04T1840 for what each kind holds). */
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
  const chunks = await db
    .selectFrom('batch_dry_chunks')
    .select('claims')
    .where('batch_id', '=', batchId)
    .where('from_row', '<', beforeRow)
    .orderBy('from_row')
    .execute()
  return chunks.flatMap((c) => JSON.parse(c.claims) as DryClaim[])
}

/** A chunk's claims, in order, under its first row (one row; in the chunk's transaction). */
export const insertDryClaims = async (
  trx: Executor,
  batchId: string,
  fromRow: number,
  claims: readonly DryClaim[],
): Promise<void> => {
  if (claims.length === 0) return
  await trx
    .insertInto('batch_dry_chunks')
    .values({
      batch_id: batchId,
      from_row: fromRow,
      // the members in DryClaim's order, whatever the objects' own
      claims: JSON.stringify(claims, [
        'ledger',
        'key',
        'kind',
        'amount',
        'item',
        'from',
        'to',
        'creditCode',
        'queued',
      ]),
    })
    .execute()
}

/** A dry run done: no chunk will read its claims again. */
export const deleteDryClaims = async (trx: Executor, batchId: string): Promise<void> => {
  await trx.deleteFrom('batch_dry_chunks').where('batch_id', '=', batchId).execute()
}
