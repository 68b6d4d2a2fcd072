// `npm run audit:verify -- [--database-url postgres://… | --data-dir ./data] [--from-seq N] [--to-seq N] [--checkpoint file.json]`
//
// Verifies the audit log straight from the database, for an auditor who does not trust the running
// service: the same routine as GET /v1/audit/verify (src/audit/verify.ts), without the app. The
// database is, in order: --database-url, --data-dir, DATABASE_URL, else the embedded database the
// service uses without DATABASE_URL (DATA_DIR, default ./data — what `npm start` created). An
// embedded (PGlite) directory can be read only while no service runs on it (PGlite serves one
// process: the directory is locked, and this says so); a directory that holds no database is
// refused rather than created empty (an empty log would verify). A checkpoint file holds { "size", "root", "head_hash" } as
// GET /v1/audit/checkpoint returned it. Prints the result as JSON.
// Exit status: 0 valid, 1 invalid (or the checkpoint does not hold), 2 usage error or the database
// could not be read.

import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Checkpoint } from '../src/audit/merkle.ts'
import { parseCheckpoint } from '../src/audit/verify.ts'
import type { DatabaseHandle } from '../src/db/database.ts'

const USAGE =
  'usage: npm run audit:verify -- [--database-url postgres://… | --data-dir ./data] [--from-seq N] ' +
  '[--to-seq N] [--checkpoint file.json]\n  (without either: DATABASE_URL, else the embedded database in ' +
  'DATA_DIR or ./data, as npm start uses it; an embedded database is read while no service runs on it)\n'

class UsageError extends Error {}

/** Whether a directory holds a PostgreSQL (PGlite) data directory: its PG_VERSION file. */
const holdsDatabase = (dir: string): boolean => existsSync(join(dir, 'PG_VERSION'))

const parse = async () => {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      options: {
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        'from-seq': { type: 'string' },
        'to-seq': { type: 'string' },
        checkpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (values['help']) return null
  if (values['data-dir'] && values['database-url'])
    throw new UsageError('pass --database-url or --data-dir, not both')
  const databaseUrl = values['data-dir']
    ? undefined
    : (values['database-url'] as string | undefined) || process.env['DATABASE_URL'] || undefined
  // No URL: the embedded database, where the service keeps it (src/config.ts: DATA_DIR, ./data).
  const dataDir = databaseUrl
    ? undefined
    : (values['data-dir'] as string | undefined) || process.env['DATA_DIR'] || './data'
  if (dataDir !== undefined && !holdsDatabase(dataDir)) {
    throw new UsageError(
      `no database: ${dataDir} holds no embedded database (start the service once to create it), ` +
        'and no --database-url or DATABASE_URL was given',
    )
  }
  const seq = (name: 'from-seq' | 'to-seq', min: number): number | undefined => {
    const value = values[name] as string | undefined
    if (value === undefined) return undefined
    if (!/^[0-9]{1,15}$/.test(value) || Number(value) < min) {
      throw new UsageError(`--${name} must be an integer of at least ${min}, not "${value}"`)
    }
    return Number(value)
  }
  const fromSeq = seq('from-seq', 1)
  const toSeq = seq('to-seq', 0)
  if (fromSeq !== undefined && toSeq !== undefined && toSeq < fromSeq) {
    throw new UsageError('--to-seq must not be less than --from-seq')
  }
  let checkpoint: Checkpoint | undefined
  const file = values['checkpoint'] as string | undefined
  if (file !== undefined) {
    try {
      checkpoint = parseCheckpoint(JSON.parse(await readFile(file, 'utf8')))
    } catch (err) {
      throw new UsageError(`--checkpoint ${file}: ${(err as Error).message}`)
    }
  }
  return { databaseUrl, dataDir, fromSeq, toSeq, checkpoint }
}

const main = async (): Promise<number> => {
  let options: NonNullable<Awaited<ReturnType<typeof parse>>>
  try {
    const parsed = await parse()
    if (parsed === null) {
      process.stdout.write(USAGE)
      return 0
    }
    options = parsed
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`audit:verify: ${err.message}\n${USAGE}`)
    return 2
  }
  // Loaded only now: a usage error answers without loading the database drivers.
  const [{ openPglite, openPostgres }, { verifyAudit }, { DataDirectoryLockedError }] = await Promise.all([
    import('../src/db/database.ts'),
    import('../src/audit/verify.ts'),
    import('../src/db/data-dir-lock.ts'),
  ])
  let database: DatabaseHandle
  if (options.dataDir) {
    try {
      database = await openPglite(options.dataDir)
    } catch (err) {
      if (!(err instanceof DataDirectoryLockedError)) throw err
      process.stderr.write(
        `audit:verify: ${err.message}.\nWhile the service runs on PGlite, verify through it ` +
          '(GET /v1/audit/verify with an auditor key), or stop it and run this again.\n',
      )
      return 2
    }
  } else {
    try {
      database = openPostgres(options.databaseUrl!, 1)
    } catch (err) {
      process.stderr.write(`audit:verify: bad database URL: ${(err as Error).message}\n`)
      return 2
    }
  }
  try {
    // One snapshot: writers may keep appending while we read.
    const result = await database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((trx) =>
        verifyAudit(trx, { fromSeq: options.fromSeq, toSeq: options.toSeq, checkpoint: options.checkpoint }),
      )
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    return result.valid ? 0 : 1
  } catch (err) {
    process.stderr.write(`audit:verify: could not read the audit log: ${(err as Error).message}\n`)
    return 2
  } finally {
    await database.close()
  }
}

process.exitCode = await main()
