// Transactions that lose a race are retried inside the service, a bounded number of times, so a
// client never sees a serialization failure or a deadlock as a 500. When they keep losing, the
// caller gets TransientDatabaseError and answers 503 with Retry-After.
//
// A broken connection is not retried here: the transaction may have been cut during COMMIT, when
// its outcome is unknown, and only the client's retry with the same Idempotency-Key can tell
// (it then finds the stored response, or claims the key afresh). It leaves as
// DatabaseUnavailableError: 503 with Retry-After.

import type { Kysely, Transaction } from 'kysely'
import { databaseUnavailable } from './faults.ts'
import type { Database } from './schema.ts'

/** SQLSTATEs worth retrying: serialization failure, deadlock, lock timeout, and a unique violation
 * on a ledger key (someone granted it first: the retry sees it in the history and decides again). */
const RETRYABLE = new Set(['40001', '40P01', '55P03'])

export class TransientDatabaseError extends Error {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`transaction failed ${attempts} times`, { cause })
    this.name = 'TransientDatabaseError'
  }
}

const sqlState = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

export const isRetryable = (e: unknown): boolean => {
  const code = sqlState(e)
  if (code === undefined) return false
  if (RETRYABLE.has(code)) return true
  const constraint = (e as { constraint?: string }).constraint
  return code === '23505' && constraint === 'ledger_once_pkey'
}

export const inTransaction = async <T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
  attempts = 6,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work)
    } catch (e) {
      if (!isRetryable(e)) throw databaseUnavailable(e) ?? e
      if (attempt >= attempts) throw new TransientDatabaseError(attempt, e)
      // Jittered backoff: 5, 10, 20… ms, so competing instances do not collide again in step.
      await new Promise((r) => setTimeout(r, 5 * 2 ** (attempt - 1) * (0.5 + Math.random())))
    }
  }
}
