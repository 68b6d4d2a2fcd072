// The only file that reads process.env and listens. Opens the database (PGlite under ./data when no
// DATABASE_URL), migrates it, serves, and on SIGTERM/SIGINT drains, finishes the requests already
// received, closes the server, then the database, and exits 0 (src/lifecycle.ts), within
// SHUTDOWN_TIMEOUT_SECONDS or exits 1.

import closeWithGrace from 'close-with-grace'
import pino from 'pino'
import { buildApp } from './app.ts'
import { deliverFirstAdminKey } from './auth/first-admin-key.ts'
import { batchQueueFor, installBatchQueue } from './batches/queue.ts'
import { loadConfigOrExit } from './config.ts'
import { ensureAdminKey } from './db/bootstrap.ts'
import { openDatabase } from './db/database.ts'
import { purgeExpiredKeys } from './db/idempotency-repository.ts'
import { migrateToLatest } from './db/migrator.ts'
import { setStoreGroup } from './db/store-groups.ts'
import { type ShutdownHook, shutdown } from './lifecycle.ts'

const main = async (): Promise<void> => {
  const config = loadConfigOrExit(process.env)

  // JSON logs for machines; readable lines when a person watches a terminal.
  const logger = pino({
    level: config.logLevel,
    ...(process.stdout.isTTY
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
          },
        }
      : {}),
  })

  // Errors of connections the pool absorbed (a dropped connection, a server restart): logged, never
  // fatal; the request that used the connection answers 503 on its own.
  const onConnectionError = (err: Error) => logger.warn({ err }, 'database connection lost')

  // Migrations run as the connecting user, without the statement and lock timeouts meant for
  // requests (a migration may wait for another instance's, or rewrite a large table); the service
  // then runs on its own pool, as DATABASE_ROLE if set. PGlite has one connection and no timeouts.
  let database = await openDatabase({
    ...config,
    role: null,
    statementTimeoutMs: 0,
    lockTimeoutMs: 0,
    onConnectionError,
  })
  try {
    await database.ping()
  } catch (error) {
    await database.close()
    throw new Error(
      `database unreachable at ${database.location}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  logger.info({ database: database.kind, location: database.location }, 'database opened')
  const migrated = await migrateToLatest(database.db)
  for (const r of migrated.results ?? []) logger.info({ migration: r.migrationName }, `migration ${r.status}`)
  if (config.databaseUrl) {
    // pg-boss's schema and the batch queue, as the connecting user too; DATABASE_ROLE is granted
    // what its workers need, and pg-boss then runs as that role (src/batches/queue.ts).
    await installBatchQueue(config.databaseUrl, config.databaseRole, config.batches.jobExpireSeconds)
    await database.close()
    database = await openDatabase({ ...config, role: config.databaseRole, onConnectionError })
    if (config.databaseRole) logger.info({ role: config.databaseRole }, 'running as the service role')
  }

  setStoreGroup(database.db, config.storeGroup)
  const adminKey = await ensureAdminKey(database)
  if (adminKey) {
    // Never the key itself in the log: only where it went.
    const delivered = await deliverFirstAdminKey(adminKey, {
      file: config.adminKeyFile,
      terminal: process.stdout.isTTY === true,
      write: (text) => process.stdout.write(text),
    })
    logger.warn(
      delivered.to === 'file' ? { adminKeyFile: delivered.path } : { adminKeyShownOn: 'terminal' },
      delivered.to === 'file'
        ? `First start: an admin API key was created and written to ${delivered.path} (mode 0600); keep it, then delete the file`
        : 'First start: an admin API key was created and shown on the terminal once; keep it',
    )
  }

  // Batches: pg-boss on PostgreSQL (BATCH_WORKERS workers here, 0 to leave the work to
  // `npm run worker`), the in-process runner on PGlite; unfinished batches resume either way.
  const batchQueue = batchQueueFor(database, config, logger)
  const app = await buildApp({
    database,
    logger,
    batchQueue,
    batchLimits: { maxRows: config.batches.maxRows, maxBytes: config.batches.maxBytes },
    limits: config.limits,
    corsOrigins: config.corsOrigins,
  })

  // Idempotency keys are kept IDEMPOTENCY_TTL_HOURS; expired ones are purged hourly (and replaced
  // on reuse before that).
  const purge = setInterval(() => {
    purgeExpiredKeys(database.db)
      .then((n) => n > 0 && logger.info({ purged: n }, 'expired idempotency keys purged'))
      .catch((err: unknown) => logger.warn({ err }, 'purging idempotency keys failed'))
  }, 3_600_000)
  purge.unref()

  // Batch workers stop taking jobs (and finish their slice) before the database closes.
  const shutdownHooks: ShutdownHook[] = [async () => clearInterval(purge), () => batchQueue.stop()]
  await batchQueue.start()

  // SIGTERM/SIGINT: drain, finish, close, exit 0; past the delay, or on a second signal, exit 1.
  // An uncaught error (a bug) also closes gracefully, then exits 1.
  closeWithGrace(
    {
      delay: config.shutdownTimeoutMs,
      logger: { error: (message: unknown) => logger.error(String(message)) },
    },
    async ({ signal, err }) => {
      if (err) logger.fatal({ err }, 'uncaught error; shutting down')
      else logger.info({ signal }, 'shutting down: finishing the requests already received')
      await shutdown({ app, database, logger, hooks: shutdownHooks })
      logger.info('stopped cleanly')
      logger.flush()
    },
  )

  await app.listen({ host: config.host, port: config.port })
  logger.info(`API page: http://${config.host}:${config.port}/docs`)
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
