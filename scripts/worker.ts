// `npm run worker`: batch workers in their own process, against the same PostgreSQL database as
// the API (DATABASE_URL), on the same pg-boss queue (src/batches/queue.ts). Run as many as the
// bureau needs, on any machine; each takes one batch slice at a time per worker (BATCH_WORKERS,
// default 1; `--workers N` overrides). Stops gracefully on SIGTERM/SIGINT: the slice in progress
// finishes its chunk, the rest of the batch goes back to the queue.

import { parseArgs } from 'node:util'
import pino from 'pino'
import { batchQueueFor, installBatchQueue } from '../src/batches/queue.ts'
import { loadConfigOrExit } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrator.ts'

const { values } = parseArgs({ options: { workers: { type: 'string' } } })

const config = loadConfigOrExit(process.env)
if (!config.databaseUrl) {
  process.stderr.write(
    'npm run worker needs DATABASE_URL (PostgreSQL): on the embedded PGlite, batches run inside the API process\n',
  )
  process.exit(1)
}
const workers = values.workers === undefined ? Math.max(1, config.batches.workers) : Number(values.workers)
if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
  process.stderr.write('--workers must be a whole number from 1 to 64\n')
  process.exit(1)
}

const logger = pino({ level: config.logLevel })
const migrating = await openDatabase({ ...config, role: null, statementTimeoutMs: 0, lockTimeoutMs: 0 })
await migrateToLatest(migrating.db)
await migrating.close()
// pg-boss's schema and queue as the connecting user; the workers then run as DATABASE_ROLE.
await installBatchQueue(config.databaseUrl, config.databaseRole, config.batches.jobExpireSeconds)
const database = await openDatabase({ ...config, role: config.databaseRole })
const queue = batchQueueFor(database, config, logger, workers)
await queue.start()
logger.info({ workers, pid: process.pid }, 'batch workers started')

let stopping = false
const stop = async (signal: string) => {
  if (stopping) process.exit(1)
  stopping = true
  logger.info({ signal }, 'batch workers stopping')
  await queue.stop()
  await database.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
