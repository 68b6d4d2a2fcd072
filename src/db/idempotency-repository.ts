// Idempotency keys (IETF httpapi "The Idempotency-Key HTTP Header Field"), scoped to the caller's
// API key. A key is claimed in its own short transaction ("in-progress"), then completed in the
// same transaction as the work it protects, so a stored response always matches stored data.
//
// A claim is a lease: the claiming process renews it while it works (renewLease), so a key whose
// lease ran out belongs to a process that died, and a retry reclaims it (a new claim token) rather
// than waiting for the key's expiry. Completing checks the token inside the work's transaction:
// a process that lost its claim rolls back instead of storing the request a second time.

import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Executor } from './executor.ts'

/** How long a completed key is kept (at least 24 h, as documented). */
export const IDEMPOTENCY_TTL_HOURS = 48

/** The lease of an in-progress key when the caller names none (IDEMPOTENCY_LEASE_SECONDS). */
export const DEFAULT_LEASE_SECONDS = 15

export type Claim =
  | { state: 'claimed'; token: string }
  /** someone holds the key; its lease runs out in `retryAfterSeconds` at the latest */
  | { state: 'in-progress'; retryAfterSeconds: number }
  | { state: 'mismatch' }
  | { state: 'done'; status: number; body: string }

/** The claim this request held was taken over by a retry (its lease had run out): nothing stored. */
export class ClaimLostError extends Error {
  constructor(readonly key: string) {
    super(`the claim on Idempotency-Key ${JSON.stringify(key)} was taken over by a retry`)
    this.name = 'ClaimLostError'
  }
}

const leaseEnd = (seconds: number) => sql<Date>`now() + make_interval(secs => ${seconds})`

export const claimKey = async (
  db: Executor,
  callerKeyId: string,
  key: string,
  requestHash: string,
  leaseSeconds = DEFAULT_LEASE_SECONDS,
): Promise<Claim> => {
  const expiresAt = sql<Date>`now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`
  const token = randomUUID()
  const claimed = {
    request_hash: requestHash,
    state: 'in-progress' as const,
    claim_token: token,
    lease_expires_at: leaseEnd(leaseSeconds) as never,
    expires_at: expiresAt as never,
  }
  // An expired record no longer counts: it is replaced. An in-progress one whose lease ran out is
  // reclaimed by the same request (same hash); with another body it stays a mismatch.
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ caller_key_id: callerKeyId, key, ...claimed })
    .onConflict((oc) =>
      oc
        .columns(['caller_key_id', 'key'])
        .doUpdateSet({ ...claimed, response_status: null, response_body: null })
        .where((eb) =>
          eb.or([
            eb('idempotency_keys.expires_at', '<', sql<Date>`now()`),
            eb.and([
              eb('idempotency_keys.state', '=', 'in-progress'),
              eb('idempotency_keys.lease_expires_at', '<', sql<Date>`now()`),
              eb('idempotency_keys.request_hash', '=', requestHash),
            ]),
          ]),
        ),
    )
    .returning('key')
    .executeTakeFirst()
  if (inserted) return { state: 'claimed', token }
  const existing = await db
    .selectFrom('idempotency_keys')
    .select([
      'request_hash',
      'state',
      'response_status',
      'response_body',
      sql<string>`greatest(0, ceil(extract(epoch from lease_expires_at - now())))`.as('lease_left'),
    ])
    .where('caller_key_id', '=', callerKeyId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
  if (existing.request_hash !== requestHash) return { state: 'mismatch' }
  if (existing.state === 'in-progress') {
    return { state: 'in-progress', retryAfterSeconds: Math.max(1, Number(existing.lease_left)) }
  }
  return { state: 'done', status: existing.response_status!, body: existing.response_body! }
}

/**
 * Extends the lease of a claim this process still holds; false when it holds it no more (a retry
 * reclaimed it, or it completed).
 */
export const renewLease = async (
  db: Executor,
  callerKeyId: string,
  key: string,
  token: string,
  leaseSeconds = DEFAULT_LEASE_SECONDS,
): Promise<boolean> => {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ lease_expires_at: leaseEnd(leaseSeconds) as never })
    .where('caller_key_id', '=', callerKeyId)
    .where('key', '=', key)
    .where('claim_token', '=', token)
    .where('state', '=', 'in-progress')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Records the response, in the transaction of the work it answers. Throws ClaimLostError (rolling
 * that transaction back) when the claim is no longer this request's: a retry reclaimed the key
 * after the lease ran out, and will do the work itself.
 */
export const completeKey = async (
  trx: Executor,
  callerKeyId: string,
  key: string,
  token: string,
  status: number,
  body: string,
) => {
  const result = await trx
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: status, response_body: body })
    .where('caller_key_id', '=', callerKeyId)
    .where('key', '=', key)
    .where('claim_token', '=', token)
    .where('state', '=', 'in-progress')
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) throw new ClaimLostError(key)
}

/** Releases a claim whose work failed, so the client may retry with the same key at once. */
export const releaseKey = async (db: Executor, callerKeyId: string, key: string, token: string) => {
  await db
    .deleteFrom('idempotency_keys')
    .where('caller_key_id', '=', callerKeyId)
    .where('key', '=', key)
    .where('claim_token', '=', token)
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
