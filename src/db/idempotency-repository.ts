// Idempotency keys (IETF httpapi "The Idempotency-Key HTTP Header Field"), scoped to the caller's
// API key. A key is claimed in its own short transaction ("in-progress"), then completed in the
// same transaction as the work it protects, so a stored response always matches stored data.

import { sql } from 'kysely'
import type { Executor } from './executor.ts'

/** How long a completed key is kept (at least 24 h, as documented). */
export const IDEMPOTENCY_TTL_HOURS = 48

export type Claim =
  | { state: 'claimed' }
  | { state: 'in-progress' }
  | { state: 'mismatch' }
  | { state: 'done'; status: number; body: string }

export const claimKey = async (
  db: Executor,
  callerKeyId: string,
  key: string,
  requestHash: string,
): Promise<Claim> => {
  const expiresAt = sql<Date>`now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`
  // An expired record no longer counts: it is replaced.
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      caller_key_id: callerKeyId,
      key,
      request_hash: requestHash,
      state: 'in-progress',
      expires_at: expiresAt as never,
    })
    .onConflict((oc) =>
      oc
        .columns(['caller_key_id', 'key'])
        .doUpdateSet({
          request_hash: requestHash,
          state: 'in-progress',
          response_status: null,
          response_body: null,
          expires_at: expiresAt as never,
        })
        .where('idempotency_keys.expires_at', '<', sql<Date>`now()`),
    )
    .returning('key')
    .executeTakeFirst()
  if (inserted) return { state: 'claimed' }
  const existing = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'state', 'response_status', 'response_body'])
    .where('caller_key_id', '=', callerKeyId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
  if (existing.request_hash !== requestHash) return { state: 'mismatch' }
  if (existing.state === 'in-progress') return { state: 'in-progress' }
  return { state: 'done', status: existing.response_status!, body: existing.response_body! }
}

export const completeKey = async (
  trx: Executor,
  callerKeyId: string,
  key: string,
  status: number,
  body: string,
) => {
  await trx
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: status, response_body: body })
    .where('caller_key_id', '=', callerKeyId)
    .where('key', '=', key)
    .execute()
}

/** Releases a claim whose work failed, so the client may retry with the same key. */
export const releaseKey = async (db: Executor, callerKeyId: string, key: string) => {
  await db
    .deleteFrom('idempotency_keys')
    .where('caller_key_id', '=', callerKeyId)
    .where('key', '=', key)
    .where('state', '=', 'in-progress')
    .execute()
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
