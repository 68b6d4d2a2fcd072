// The only file that reads process.env and listens. Opens the database (PGlite under ./data when no
// DATABASE_URL), migrates it, serves, and on SIGTERM/SIGINT finishes in-flight requests, closes the
// server, then the database, and exits 0.

import pino from 'pino'
import { buildApp } from './app.ts'
import { deliverFirstAdminKey } from './auth/first-admin-key.ts'
import { ConfigError, loadConfig } from './config.ts'
import { ensureAdminKey } from './db/bootstrap.ts'
import { openDatabase } from './db/database.ts'
import { purgeExpiredKeys } from './db/idempotency-repository.ts'
import { migrateToLatest } from './db/migrator.ts'

const main = async (): Promise<void> => {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`)
      process.exit(1)
    }
    throw error
  }

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

  // Migrations run as the connecting user; the service then runs as DATABASE_ROLE if set.
  let database = await openDatabase({ ...config, role: null })
  try {
    await database.ping()
  } catch (error) {
    throw new Error(
      `database unreachable at ${database.location}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  logger.info({ database: database.kind, location: database.location }, 'database opened')
  const migrated = await migrateToLatest(database.db)
  for (const r of migrated.results ?? []) logger.info({ migration: r.migrationName }, `migration ${r.status}`)
  if (config.databaseUrl && config.databaseRole) {
    await database.close()
    database = await openDatabase({ ...config, role: config.databaseRole })
    logger.info({ role: config.databaseRole }, 'running as the service role')
  }

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

  const app = await buildApp({ database, logger, limits: config.limits, corsOrigins: config.corsOrigins })

  // Idempotency keys are kept IDEMPOTENCY_TTL_HOURS; expired ones are purged hourly (and replaced
  // on reuse before that).
  const purge = setInterval(() => {
    purgeExpiredKeys(database.db)
      .then((n) => n > 0 && logger.info({ purged: n }, 'expired idempotency keys purged'))
      .catch((err: unknown) => logger.warn({ err }, 'purging idempotency keys failed'))
  }, 3_600_000)
  purge.unref()

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting')
      process.exit(1)
    }, 10_000)
    timer.unref()
    try {
      clearInterval(purge)
      await app.close()
      await database.close()
      logger.info('stopped cleanly')
      logger.flush()
      process.exit(0)
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))

  await app.listen({ host: config.host, port: config.port })
  logger.info(`API page: http://${config.host}:${config.port}/docs`)
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
