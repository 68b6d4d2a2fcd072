// Idempotency keys (IETF httpapi "The Idempotency-Key HTTP Header Field"), scoped to the caller's
// API key. A key is claimed and completed by the same statement as the work it protects
// (store_decision, migration 2026-12-03T1545), inside the work's transaction: a stored response
// always matches stored data, and a process that dies mid-work leaves no claim behind (its
// transaction, claim included, rolls back). A concurrent request with the same key waits on the
// key's unique index until the first commits, then finds it taken (KeyTakenError) and is answered
// from the key's row (findKey): the stored response, or 422 for another body.
//
// Rows "in-progress" are only those an instance of the previous version (lease-based claims,
// migration 2026-12-03T1300) left behind: store_decision takes one over once its lease ran out.

import { sql } from 'kysely'
import type { Executor } from './executor.ts'
import type { ResponseReplay } from './schema.ts'

/** How long a completed key is kept (at least 24 h, as documented). */
export const IDEMPOTENCY_TTL_HOURS = 48

/** Another request holds or answered this key: the work rolled back; answer from findKey. */
export class KeyTakenError extends Error {
  constructor(readonly key: string) {
    super(`the Idempotency-Key ${JSON.stringify(key)} is taken`)
    this.name = 'KeyTakenError'
  }
}

export type StoredKey =
  | { state: 'done'; requestHash: string; status: number; body: string }
  /** answered; its response is rendered again from the stored decision (migration 2026-12-03T1700) */
  | { state: 'done'; requestHash: string; status: number; replay: ResponseReplay }
  /** left in progress by the previous version's claim; its lease runs out in `retryAfterSeconds` */
  | { state: 'in-progress'; requestHash: string; retryAfterSeconds: number }

/** The key's row, unless absent or expired (an expired key no longer counts). */
export const findKey = async (db: Executor, callerKeyId: string, key: string): Promise<StoredKey | null> => {
  const row = await db
    .selectFrom('idempotency_keys')
    .select([
      // bytea since migration 2026-12-04T1850: the hex the routes compare, alike on both drivers
      sql<string>`encode(request_hash, 'hex')`.as('request_hash'),
      'state',
      'response_status',
      'response_body',
      'response_replay',
      sql<string>`greatest(0, ceil(extract(epoch from lease_expires_at - now())))`.as('lease_left'),
    ])
    .where('caller_key_id', '=', callerKeyId)
    .where('key', '=', key)
    .where('expires_at', '>=', sql<Date>`now()`)
    .executeTakeFirst()
  if (!row) return null
  if (row.state === 'in-progress') {
    return {
      state: 'in-progress',
      requestHash: row.request_hash,
      retryAfterSeconds: Math.max(1, Number(row.lease_left)),
    }
  }
  if (row.response_body === null && row.response_replay !== null)
    return {
      state: 'done',
      requestHash: row.request_hash,
      status: row.response_status!,
      replay: row.response_replay,
    }
  return {
    state: 'done',
    requestHash: row.request_hash,
    status: row.response_status!,
    body: row.response_body!,
  }
}

/** Deletes completed keys past their expiry; returns how many. Run periodically by the server. */
export const purgeExpiredKeys = async (db: Executor): Promise<number> => {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<', sql<Date>`now()`)
    .where('state', '=', 'done')
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
