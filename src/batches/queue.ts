// Where batch jobs run. PostgreSQL: pg-boss 10.4 (STACK.md: pg-boss 12 needs Node 22), chosen over
// graphile-worker 0.16 because its queue is plain SQL tables a worker polls with SKIP LOCKED, it
// needs no LISTEN connection per worker, and its expiry + retry is exactly the "a killed worker's
// job comes back" this needs. Each job is one slice of a batch (src/batches/run.ts); a slice that
// leaves rows sends the next job before it completes. A worker killed mid-slice leaves its job
// active until it expires (BATCH_JOB_EXPIRE_SECONDS); pg-boss then retries it and the batch resumes
// at next_row. PGlite (one connection, no server for pg-boss): the in-process runner calls the same
// handler, and resumes unfinished batches when it starts.
//
// No batch stays `running` for ever (issue #11): a slice that throws on its last try fails its batch
// at once, with the error; and every maintenance interval a worker process looks for batches that no
// job will run any more (batchesWithoutJob) — pg-boss gave up on an expired job (a worker killed on
// every try), the job was cancelled, or it was never sent (the send failed after the upload was
// sealed) — and fails the first two with pg-boss's reason, and sends the last one its job. A failed
// batch is retried by the bureau (POST /v1/batches/{id}/retry, or the same file uploaded again).
// Nor does a batch stay `receiving` for ever when the process receiving its upload is killed
// mid-stream: the same sweep fails it ("upload did not complete") once no slice of it was stored for
// `uploadGraceSeconds`; on PGlite the runner does it when it starts (no upload can be in progress
// in a process that has just started, and no other process shares the directory).

import type { Kysely } from 'kysely'
import PgBoss from 'pg-boss'
import type { Config } from '../config.ts'
import {
  batchesWithoutJob,
  failBatch,
  failBatchesNotUploaded,
  unfinishedBatches,
} from '../db/batches-repository.ts'
import type { DatabaseHandle } from '../db/database.ts'
import { grantQueueSchema, type QueueDb, type QueuePool, queuePool } from '../db/queue-connection.ts'
import type { Database } from '../db/schema.ts'
import { type RunOptions, runBatchSlice } from './run.ts'

export const QUEUE = 'batches'

export interface BatchQueue {
  /** queues a batch whose upload is complete */
  enqueue(batchId: string): Promise<void>
  /** starts taking jobs (if this process runs workers) */
  start(): Promise<void>
  /** stops taking jobs and waits for the running slice */
  stop(): Promise<void>
}

export interface Logger {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

const quiet: Logger = { warn: () => {}, error: () => {} }

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Runs batches one slice at a time in this process, oldest first. */
export class InProcessQueue implements BatchQueue {
  private readonly pending: string[] = []
  private running: Promise<void> | null = null
  private stopped = false

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: RunOptions,
    private readonly log: Logger = quiet,
  ) {}

  async enqueue(batchId: string): Promise<void> {
    if (!this.pending.includes(batchId)) this.pending.push(batchId)
    this.kick()
  }

  async start(): Promise<void> {
    for (const id of await failBatchesNotUploaded(this.db, 0))
      this.log.error({ batch: id }, 'batch failed: its upload did not complete')
    for (const id of await unfinishedBatches(this.db)) await this.enqueue(id)
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.running
  }

  /** Resolves when nothing is queued (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private kick(): void {
    if (this.running || this.stopped) return
    this.running = (async () => {
      while (!this.stopped && this.pending.length > 0) {
        const id = this.pending.shift()!
        try {
          if ((await runBatchSlice(this.db, id, this.options)) === 'more') this.pending.push(id)
        } catch (error) {
          this.log.error({ err: error, batch: id }, 'batch slice failed')
          // Failed with its reason; the bureau retries it (POST /v1/batches/{id}/retry). A failure to
          // record that (the database gone) leaves it running, and the next start resumes it.
          await failBatch(this.db, id, messageOf(error)).catch((err: unknown) =>
            this.log.error({ err, batch: id }, 'could not mark the batch failed'),
          )
        }
      }
    })().finally(() => {
      this.running = null
    })
  }
}

export interface PgBossOptions extends RunOptions {
  connectionString: string
  /**
   * DATABASE_ROLE: pg-boss's connections SET this role, as the API's pool does (src/db/database.ts),
   * and then neither create nor migrate its schema: installBatchQueue does that beforehand, as the
   * connecting user, with the migrations. null: pg-boss works as the connecting user.
   */
  role?: string | null
  /** workers in this process (0: only enqueue) */
  workers: number
  /** seconds a job may stay active before pg-boss retries it elsewhere */
  expireSeconds: number
  /** how often pg-boss's maintenance looks for expired jobs */
  maintenanceSeconds: number
  pollingSeconds: number
  /** how many times pg-boss retries a failed or expired slice before the batch fails (default 20) */
  retryLimit?: number
  /** seconds before a failed slice is retried (default 1) */
  retryDelaySeconds?: number
  /**
   * seconds an upload may store no slice before the sweep fails its batch (default
   * DEFAULT_UPLOAD_GRACE_SECONDS; batchQueueFor: twice REQUEST_TIMEOUT_MS, which bounds a live upload)
   */
  uploadGraceSeconds?: number
}

/** An upload's grace when none is given: twice the default REQUEST_TIMEOUT_MS (30 s). */
export const DEFAULT_UPLOAD_GRACE_SECONDS = 60

export class PgBossQueue implements BatchQueue {
  readonly boss: PgBoss
  private started = false
  private readonly pool: QueuePool | null
  private sweeper: NodeJS.Timeout | null = null
  private sweeping: Promise<void> | null = null
  /** this process's workers (pg-boss ids), woken when this process enqueues */
  private readonly workerIds: string[] = []

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: PgBossOptions,
    private readonly log: Logger = quiet,
  ) {
    const max = Math.max(2, options.workers + 1)
    const role = options.role ?? null
    this.pool = role
      ? queuePool(options.connectionString, role, max, (err) =>
          this.log.warn({ err }, 'pg-boss connection lost'),
        )
      : null
    this.boss = new PgBoss({
      ...(this.pool ? { db: this.pool } : { connectionString: options.connectionString, max }),
      // As the service role, the schema is installBatchQueue's (the role may not create tables).
      migrate: role === null,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: options.maintenanceSeconds,
      monitorStateIntervalSeconds: Math.max(options.maintenanceSeconds, 60),
    })
    this.boss.on('error', (err) => this.log.warn({ err }, 'pg-boss error'))
  }

  async start(): Promise<void> {
    if (this.started) return
    await this.boss.start()
    this.started = true
    // Creates the queue when it is missing; an existing one (installBatchQueue's) is left as it is.
    await this.boss.createQueue(QUEUE, queueOptions(this.options))
    for (let i = 0; i < this.options.workers; i++) {
      const workerId = await this.boss.work<{ batchId: string }>(
        QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollingSeconds, includeMetadata: true },
        async ([job]) => {
          if (!job) return
          const batchId = job.data.batchId
          let state: Awaited<ReturnType<typeof runBatchSlice>>
          try {
            state = await runBatchSlice(this.db, batchId, this.options)
          } catch (error) {
            // pg-boss retries the slice (its chunk rolled back); on the last try the batch fails
            // with the error instead of staying `running` behind a failed job.
            if (job.retryCount >= job.retryLimit) {
              this.log.error({ err: error, batch: batchId }, 'batch slice failed on its last try')
              await failBatch(this.db, batchId, messageOf(error)).catch(() => {})
            } else this.log.warn({ err: error, batch: batchId, try: job.retryCount }, 'batch slice failed')
            throw error
          }
          // The next slice is queued before this one completes: a crash between the two leaves a
          // duplicate job, which finds the rows already done, never a batch without a job.
          if (state === 'more') await this.boss.send(QUEUE, { batchId })
        },
      )
      this.workerIds.push(workerId)
    }
    if (this.options.workers > 0) {
      const everyMs = this.options.maintenanceSeconds * 1000
      this.sweeper = setInterval(() => void this.sweep(), everyMs)
      this.sweeper.unref()
      await this.sweep()
    }
  }

  /**
   * Batches no job will run any more: failed with pg-boss's reason when it gave up on their job
   * (retries spent, or expired on the last try) or the job was cancelled; given a job when there is
   * none (the send after the upload's seal failed). Safe in several processes at once: failBatch
   * only fails a batch still queued or running, and a second job for a batch finds its rows done.
   */
  sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping
    const grace = Math.max(this.options.maintenanceSeconds * 2, 10)
    this.sweeping = (async () => {
      try {
        const uploadGrace = this.options.uploadGraceSeconds ?? DEFAULT_UPLOAD_GRACE_SECONDS
        for (const id of await failBatchesNotUploaded(this.db, uploadGrace))
          this.log.error({ batch: id }, 'batch failed: its upload did not complete')
        for (const b of await batchesWithoutJob(this.db, QUEUE, grace)) {
          if (b.lastState === 'failed' || b.lastState === 'cancelled') {
            const why =
              b.lastState === 'cancelled'
                ? 'its job was cancelled'
                : `its job failed on its last try: ${b.lastError ?? 'no reason given'}`
            if (await failBatch(this.db, b.id, why)) this.log.error({ batch: b.id, why }, 'batch failed')
          } else {
            this.log.warn({ batch: b.id, lastState: b.lastState }, 'batch without a job: queued again')
            await this.boss.send(QUEUE, { batchId: b.id })
          }
        }
      } catch (err) {
        this.log.warn({ err }, 'looking for batches without a job failed')
      } finally {
        this.sweeping = null
      }
    })()
    return this.sweeping
  }

  async enqueue(batchId: string): Promise<void> {
    await this.start()
    await this.boss.send(QUEUE, { batchId })
    // An idle worker of this process takes the job now rather than at its next poll (up to
    // BATCH_QUEUE_POLLING_SECONDS later: most of a small batch's time). Workers of other processes
    // still find it when they poll.
    for (const id of this.workerIds) this.boss.notifyWorker(id)
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
    await this.sweeping
    if (this.started) {
      await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 })
      this.started = false
      this.workerIds.length = 0
    }
    await this.pool?.close()
  }
}

const DEFAULT_RETRY_LIMIT = 20

const queueOptions = (o: { expireSeconds: number; retryLimit?: number; retryDelaySeconds?: number }) => ({
  name: QUEUE,
  expireInSeconds: o.expireSeconds,
  // A slice that failed (a lost connection, a deadlock past the retries) is tried again; its
  // chunk rolled back, so the retry starts where the last committed chunk stopped. Past the last
  // try the batch fails (the handler, or the sweep for an expired job).
  retryLimit: o.retryLimit ?? DEFAULT_RETRY_LIMIT,
  retryDelay: o.retryDelaySeconds ?? 1,
})

/**
 * Installs (or migrates) pg-boss's schema and the batch queue as the connecting user — with the
 * migrations, before the service switches to DATABASE_ROLE — and, when a role is given, grants it
 * what pg-boss's workers and maintenance do (read and write the queue's tables, no DDL), as
 * migration 2026-11-29T1300 does for the service's own tables.
 */
export const installBatchQueue = async (
  connectionString: string,
  role: string | null,
  expireSeconds: number,
): Promise<void> => {
  const boss = new PgBoss({ connectionString, max: 1, supervise: false, schedule: false })
  await boss.start()
  try {
    await boss.createQueue(QUEUE, queueOptions({ expireSeconds }))
    if (role) await grantQueueSchema(boss.getDb() as QueueDb, role)
  } finally {
    await boss.stop({ graceful: false, wait: true })
  }
}

/**
 * The queue a process uses: pg-boss on PostgreSQL with `workers` workers (the API's BATCH_WORKERS,
 * or `npm run worker`'s), the in-process runner on PGlite (one process owns the directory).
 */
export const batchQueueFor = (
  database: DatabaseHandle,
  config: Pick<Config, 'databaseUrl' | 'databaseRole' | 'batches' | 'limits'>,
  log: Logger = quiet,
  workers = config.batches.workers,
): BatchQueue => {
  const run = { chunkRows: config.batches.chunkRows, sliceMs: config.batches.sliceSeconds * 1000 }
  if (!config.databaseUrl) return new InProcessQueue(database.db, run, log)
  return new PgBossQueue(
    database.db,
    {
      ...run,
      connectionString: config.databaseUrl,
      workers,
      expireSeconds: config.batches.jobExpireSeconds,
      maintenanceSeconds: config.batches.maintenanceSeconds,
      pollingSeconds: config.batches.pollingSeconds,
      role: config.databaseRole,
      // A live upload's whole request arrives within REQUEST_TIMEOUT_MS: twice that, it is dead.
      uploadGraceSeconds: Math.ceil((2 * config.limits.requestTimeoutMs) / 1000),
    },
    log,
  )
}
