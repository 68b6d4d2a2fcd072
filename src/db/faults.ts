// What a database error means for the caller. A lost or refused connection, a server that is
// starting or shutting down, a statement that ran past statement_timeout: none of these is a bug in
// the request, and retrying it later may well succeed. They answer 503 with Retry-After (see
// src/plugins/problems.ts), never 500. Everything else (a constraint the code should have
// respected, a syntax error) stays a 500: it needs a fix, not a retry.

/** Why the database could not serve a request; the problem body names it. */
export type UnavailableReason =
  | 'connection'
  | 'starting-or-stopping'
  | 'statement-timeout'
  | 'lock-timeout'
  | 'overloaded'
  | 'outdated-instance'

/**
 * A request could not complete because of the database, not because of the request. Its
 * transaction did not commit (or, when the connection broke during COMMIT, its outcome is unknown:
 * an idempotent retry with the same key is the safe answer either way).
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly reason: UnavailableReason,
    /** seconds a client should wait before retrying */
    readonly retryAfterSeconds: number,
    cause: unknown,
  ) {
    super(`database unavailable (${reason})`, { cause })
    this.name = 'DatabaseUnavailableError'
  }
}

/** The SQLSTATE of a PostgreSQL error, or a Node system error code (ECONNREFUSED…). */
export const errorCode = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

// Node socket errors: the server is gone, unreachable, or cut the connection.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

// Errors pg and pg-pool raise without a code (their wording is stable across pg 8.x).
const CONNECTION_MESSAGES = [
  'Connection terminated', // also "… unexpectedly" and "… due to connection timeout"
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Query read timeout',
  'timeout expired',
]

/** Classifies one error (not its causes); null when it is not a database-availability fault. */
const classifyOne = (e: unknown): DatabaseUnavailableError | null => {
  if (e instanceof DatabaseUnavailableError) return e
  const code = errorCode(e)
  if (code !== undefined) {
    if (SOCKET_CODES.has(code)) return new DatabaseUnavailableError('connection', 2, e)
    // 57P01 admin shutdown / pg_terminate_backend, 57P02 crash shutdown: the connection is gone,
    // a new one will work once the server is up.
    if (code === '57P01' || code === '57P02') return new DatabaseUnavailableError('connection', 1, e)
    // 57P03 cannot connect now: the server is starting (recovery) or stopping.
    if (code === '57P03') return new DatabaseUnavailableError('starting-or-stopping', 2, e)
    // Class 08: connection exception (08000, 08003, 08006, 08001, 08004…).
    if (/^08[0-9A-Z]{3}$/.test(code)) return new DatabaseUnavailableError('connection', 2, e)
    // 57014 query_canceled: statement_timeout (or a cancel request): the server is too slow now.
    if (code === '57014') return new DatabaseUnavailableError('statement-timeout', 1, e)
    // 55P03 lock_not_available: lock_timeout. inTransaction retries it first (a race that may
    // resolve); seen here, it outlasted the retries or came from a statement outside one.
    if (code === '55P03') return new DatabaseUnavailableError('lock-timeout', 1, e)
    // Migration 2026-12-07T0400: this instance is older than the database's newest migration; another
    // instance (the upgraded one) serves the request.
    if (code === '55000' && e instanceof Error && e.message.startsWith('outdated instance'))
      return new DatabaseUnavailableError('outdated-instance', 30, e)
    // 53300 too_many_connections, 53xxx insufficient resources.
    if (/^53[0-9A-Z]{3}$/.test(code)) return new DatabaseUnavailableError('overloaded', 2, e)
  }
  if (e instanceof Error) {
    // No pool slot within connectionTimeoutMillis: overloaded, not broken.
    if (e.message === 'timeout exceeded when trying to connect') {
      return new DatabaseUnavailableError('overloaded', 1, e)
    }
    // The pool or Kysely's driver was closed: the process is shutting down.
    if (
      e.message === 'Cannot use a pool after calling end on the pool' ||
      e.message === 'driver has already been destroyed'
    ) {
      return new DatabaseUnavailableError('starting-or-stopping', 2, e)
    }
    if (CONNECTION_MESSAGES.some((m) => e.message.startsWith(m))) {
      return new DatabaseUnavailableError('connection', 1, e)
    }
  }
  return null
}

/**
 * Whether an error (or one of its causes: pg-pool wraps, AggregateError from a dual-stack
 * connect) is a database-availability fault; returns it as a DatabaseUnavailableError, or null.
 */
export const databaseUnavailable = (e: unknown): DatabaseUnavailableError | null => {
  const seen = new Set<unknown>()
  const queue: unknown[] = [e]
  while (queue.length > 0) {
    const current = queue.shift()
    if (current === undefined || current === null || seen.has(current)) continue
    seen.add(current)
    const found = classifyOne(current)
    if (found) return found
    if (current instanceof AggregateError) queue.push(...current.errors)
    if (current instanceof Error && current.cause !== undefined) queue.push(current.cause)
  }
  return null
}
