// One validated configuration object. Only src/server.ts (and the scripts) pass process.env here;
// everything else receives a Config. A bad value stops the start with one line naming the variable.

import { join } from 'node:path'
import { DEFAULT_STORE_GROUP } from './db/store-groups.ts'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export interface Config {
  host: string
  port: number
  logLevel: LogLevel
  /** a postgres:// URL, or null for the embedded PGlite database */
  databaseUrl: string | null
  /** PostgreSQL: the role to SET on every connection (migrations run as the connecting user) */
  databaseRole: string | null
  /** connections in the pg pool (ignored for PGlite, which has one) */
  poolSize: number
  /** checked stores one statement may carry when the service is busy (src/db/store-groups.ts; 1: none grouped) */
  storeGroup: number
  /** where PGlite keeps its files when databaseUrl is null */
  dataDir: string
  /** PGlite: sync every commit to disk (slower); off by default, like PGlite's own default */
  pgliteDurable: boolean
  /** PostgreSQL: statement_timeout of every connection, ms (0: the server's setting) */
  statementTimeoutMs: number
  /** PostgreSQL: lock_timeout of every connection, ms (0: the server's setting) */
  lockTimeoutMs: number
  /** the longest a graceful shutdown may take before the process exits 1 anyway */
  shutdownTimeoutMs: number
  /** where the first admin key is written (mode 0600) when stdout is not a terminal */
  adminKeyFile: string
  /** abuse limits of the HTTP layer (buildApp's `limits`) */
  limits: Limits
  /** origins allowed to call the API from a browser (CORS); empty = no CORS headers at all */
  corsOrigins: string[]
  /** batches (issue #11): limits of an upload and how its jobs run */
  batches: BatchConfig
}

export interface BatchConfig {
  /** BATCH_MAX_ROWS: rows one upload may hold (more: 422) */
  maxRows: number
  /** BATCH_MAX_BYTES: bytes one upload may be (more: 413) */
  maxBytes: number
  /** BATCH_WORKERS: pg-boss workers in this process (0: the API only queues; `npm run worker` works) */
  workers: number
  /** BATCH_CHUNK_ROWS: rows decided per transaction */
  chunkRows: number
  /** BATCH_SLICE_SECONDS: how long one job works before queueing the rest of its batch */
  sliceSeconds: number
  /** BATCH_JOB_EXPIRE_SECONDS: a job active this long (its worker died) is retried by another worker */
  jobExpireSeconds: number
  /** BATCH_QUEUE_MAINTENANCE_SECONDS: how often pg-boss looks for expired jobs */
  maintenanceSeconds: number
  /** BATCH_QUEUE_POLLING_SECONDS: how often an idle worker looks for a job */
  pollingSeconds: number
}

/**
 * What one caller may cost the service. Rate limits count requests per window, per API key for
 * authenticated requests and per client IP for anonymous ones; failed authentications count per IP
 * separately, so guessing keys (each guess a new "key") is limited too. 0 turns a rate limit off.
 */
export interface Limits {
  /** the rate-limit window, milliseconds */
  rateLimitWindowMs: number
  /** requests per window per API key */
  rateLimitPerKey: number
  /** requests per window per client IP without an API key */
  rateLimitAnonymous: number
  /** failed authentications (unknown, malformed or revoked keys) per window per client IP */
  rateLimitAuthFailures: number
  /** Fastify `requestTimeout`: the whole request (headers and body) must arrive within it, ms */
  requestTimeoutMs: number
  /** Fastify `connectionTimeout`: a socket idle this long is closed, ms */
  connectionTimeoutMs: number
}

/**
 * Defaults that a person or a portal never meets (a request every 0.05 s per key, sustained) but
 * that stop a script: the test suite and the benchmarks' concurrency runs stay below them.
 */
export const DEFAULT_LIMITS: Limits = {
  rateLimitWindowMs: 60_000,
  rateLimitPerKey: 1200,
  rateLimitAnonymous: 600,
  rateLimitAuthFailures: 20,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 10_000,
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
    this.name = 'ConfigError'
  }
}

type Env = Readonly<Record<string, string | undefined>>

const integer = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  }
  return Number(raw)
}

const boolean = (env: Env, name: string, fallback: boolean): boolean => {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false
  throw new ConfigError(name, `must be true or false, got ${JSON.stringify(raw)}`)
}

export const loadConfig = (env: Env): Config => {
  const logLevel = (env['LOG_LEVEL'] || 'info') as LogLevel
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env['LOG_LEVEL'])}`,
    )
  }

  const host = env['HOST'] || '127.0.0.1'
  if (!/^[\w.:-]+$/.test(host))
    throw new ConfigError('HOST', `is not a host name or address: ${JSON.stringify(host)}`)

  const databaseUrl = env['DATABASE_URL'] || null
  if (databaseUrl !== null) {
    let url: URL
    try {
      url = new URL(databaseUrl)
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a URL (expected postgres://user@host:5432/database)')
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError(
        'DATABASE_URL',
        `must start with postgres:// or postgresql://, got ${url.protocol}//`,
      )
    }
  }

  const databaseRole = env['DATABASE_ROLE'] || null
  if (databaseRole !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseRole)) {
    throw new ConfigError(
      'DATABASE_ROLE',
      `must be a plain role name (a-z, 0-9, _), got ${JSON.stringify(databaseRole)}`,
    )
  }

  const corsOrigins = (env['CORS_ORIGINS'] ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
  for (const origin of corsOrigins) {
    // An origin is scheme://host[:port] and nothing else; "*" would defeat the allow-list.
    let url: URL | null = null
    try {
      url = new URL(origin)
    } catch {}
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `must be comma-separated origins like https://portal.example.cn (scheme, host, optional port; no path or "*"), got ${JSON.stringify(origin)}`,
      )
    }
  }

  const dataDir = env['DATA_DIR'] || './data'
  return {
    host,
    databaseRole,
    port: integer(env, 'PORT', 3000, 0, 65535),
    logLevel,
    databaseUrl,
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    // At most 32: each member is a subtransaction, and 64 per transaction is PostgreSQL's cache.
    storeGroup: integer(env, 'DATABASE_STORE_GROUP', DEFAULT_STORE_GROUP, 1, 32),
    dataDir,
    pgliteDurable: boolean(env, 'PGLITE_DURABLE', false),
    // A decision takes milliseconds; a statement still running after 10 s means an overloaded or
    // stuck server, and the client is better told 503 than kept waiting.
    statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 0, 3_600_000),
    // Ledger rows are locked for one short transaction; waiting 5 s for one means contention the
    // retries (then a 503) should absorb, not a queue of connections.
    lockTimeoutMs: integer(env, 'DATABASE_LOCK_TIMEOUT_MS', 5_000, 0, 3_600_000),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', 15, 1, 600) * 1000,
    adminKeyFile: env['ADMIN_KEY_FILE'] || join(dataDir, 'admin-key.txt'),
    corsOrigins,
    batches: {
      maxRows: integer(env, 'BATCH_MAX_ROWS', 100_000, 1, 10_000_000),
      maxBytes: integer(env, 'BATCH_MAX_BYTES', 100 * 1024 * 1024, 1024, 10 * 1024 * 1024 * 1024),
      workers: integer(env, 'BATCH_WORKERS', 1, 0, 64),
      chunkRows: integer(env, 'BATCH_CHUNK_ROWS', 500, 1, 10_000),
      // A slice well under the expiry: a live worker's job never expires while it works.
      sliceSeconds: integer(env, 'BATCH_SLICE_SECONDS', 10, 1, 3_600),
      jobExpireSeconds: integer(env, 'BATCH_JOB_EXPIRE_SECONDS', 60, 2, 86_400),
      maintenanceSeconds: integer(env, 'BATCH_QUEUE_MAINTENANCE_SECONDS', 10, 1, 3_600),
      pollingSeconds: integer(env, 'BATCH_QUEUE_POLLING_SECONDS', 1, 1, 600),
    },
    limits: {
      rateLimitWindowMs: integer(
        env,
        'RATE_LIMIT_WINDOW_MS',
        DEFAULT_LIMITS.rateLimitWindowMs,
        1000,
        86_400_000,
      ),
      rateLimitPerKey: integer(env, 'RATE_LIMIT_PER_KEY', DEFAULT_LIMITS.rateLimitPerKey, 0, 1_000_000),
      rateLimitAnonymous: integer(
        env,
        'RATE_LIMIT_ANONYMOUS',
        DEFAULT_LIMITS.rateLimitAnonymous,
        0,
        1_000_000,
      ),
      rateLimitAuthFailures: integer(
        env,
        'RATE_LIMIT_AUTH_FAILURES',
        DEFAULT_LIMITS.rateLimitAuthFailures,
        0,
        1_000_000,
      ),
      requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', DEFAULT_LIMITS.requestTimeoutMs, 1000, 600_000),
      connectionTimeoutMs: integer(
        env,
        'CONNECTION_TIMEOUT_MS',
        DEFAULT_LIMITS.connectionTimeoutMs,
        1000,
        600_000,
      ),
    },
  }
}

/** loadConfig for a process's entry point: a configuration error is one line on stderr and exit 1. */
export const loadConfigOrExit = (env: NodeJS.ProcessEnv): Config => {
  try {
    return loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
}
