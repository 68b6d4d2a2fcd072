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
//
// The same runners continue a budget top-up's funding (src/decisions/budgets.ts): the PUT funds the
// first chunk of the budget's queue and records the funding under way; a job (pg-boss queue
// FUNDING_QUEUE, or the in-process runner) calls continueFunding for a slice and sends the next one
// while more remains. A job killed or failed mid-queue: pg-boss retries it; when none is left (never
// sent, or pg-boss gave up) the sweep sends one; on PGlite the runner resumes every funding under way
// when it starts. Each chunk funds the queue's head as it stands, so a second job, a retry or a
// repeated PUT never funds an outcome twice.

import { createRequire } from 'node:module'
import type { Kysely } from 'kysely'
import PgBoss from 'pg-boss'
import { type Config, DEFAULT_LIMITS } from '../config.ts'
import {
  batchesWithoutJob,
  failBatch,
  failBatchesNotUploaded,
  unfinishedBatches,
} from '../db/batches-repository.ts'
import { fundingsWithoutJob, pendingFundings } from '../db/budget-repository.ts'
import type { DatabaseHandle } from '../db/database.ts'
import { databaseUnavailable } from '../db/faults.ts'
import { grantQueueSchema, type QueueDb, type QueuePool, queuePool } from '../db/queue-connection.ts'
import type { Database } from '../db/schema.ts'
import { letOthersIn } from '../db/take-turns.ts'
import { continueFunding, DEFAULT_FUNDING_CHUNK } from '../decisions/budgets.ts'
import { type RunOptions, runBatchSlice } from './run.ts'

// pg-boss 10.4 (manager.js, onFetch) records a job's end with `this.complete(…)` or `this.fail(…)`
// without awaiting either: when PostgreSQL goes away while a job runs (its handler then throws, and
// fail() cannot reach the database either), the rejection is unhandled, and an unhandled rejection
// stops the process (close-with-grace in src/server.ts; Node itself in `npm run worker`). A dropped
// database must never stop a process (it answers 503 and carries on), so each of the two calls gets
// a handler that reports the error as the manager's 'error' event (logged by the queue as "pg-boss
// error"); the promise returned is the same one, so a caller that awaits it still sees the error. The
// job stays active, expires (BATCH_JOB_EXPIRE_SECONDS) and is retried, and its batch resumes at the
// row it stopped at. (pg-boss 12 awaits them, but needs Node 22: STACK.md.)
type PgBossManager = { prototype: Record<'complete' | 'fail', (...args: unknown[]) => Promise<unknown>> }
const Manager = createRequire(import.meta.url)('pg-boss/src/manager.js') as PgBossManager
for (const method of ['complete', 'fail'] as const) {
  const record = Manager.prototype[method]
  Manager.prototype[method] = function (this: { emit(event: 'error', error: unknown): void }, ...args) {
    const recorded = record.apply(this, args)
    recorded.catch((error: unknown) => this.emit('error', error))
    return recorded
  }
}

export const QUEUE = 'batches'
/** pg-boss queue of budget fundings under way (data: { key }, the budget's ledger key). */
export const FUNDING_QUEUE = 'budget-funding'

/** How the runners work: batch slices (RunOptions), and the chunks of a budget's funding. */
export interface QueueOptions extends RunOptions {
  /** corrections per funding transaction (DEFAULT_FUNDING_CHUNK when absent) */
  fundingChunkOutcomes?: number
}

export interface BatchQueue {
  /** queues a batch whose upload is complete */
  enqueue(batchId: string): Promise<void>
  /** queues the rest of a budget's funding (its budget_fundings record is committed) */
  fundBudget(key: string): Promise<void>
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

/** A job of the in-process runner: a batch's slice, or a budget funding's. */
type Job = { kind: 'batch'; id: string } | { kind: 'funding'; key: string }

const sameJob = (a: Job, b: Job) =>
  a.kind === 'batch' ? b.kind === 'batch' && a.id === b.id : b.kind === 'funding' && a.key === b.key

/** Runs batches and budget fundings one slice at a time in this process, oldest first. */
export class InProcessQueue implements BatchQueue {
  private readonly pending: Job[] = []
  private running: Promise<void> | null = null
  private stopped = false

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: QueueOptions,
    private readonly log: Logger = quiet,
  ) {}

  async enqueue(batchId: string): Promise<void> {
    this.push({ kind: 'batch', id: batchId })
  }

  async fundBudget(key: string): Promise<void> {
    this.push({ kind: 'funding', key })
  }

  async start(): Promise<void> {
    for (const id of await failBatchesNotUploaded(this.db, 0))
      this.log.error({ batch: id }, 'batch failed: its upload did not complete')
    for (const id of await unfinishedBatches(this.db)) await this.enqueue(id)
    // Fundings a killed process left under way resume where their last chunk stopped.
    for (const key of await pendingFundings(this.db)) await this.fundBudget(key)
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.running
  }

  /** Resolves when nothing is queued (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private push(job: Job): void {
    if (!this.pending.some((p) => sameJob(p, job))) this.pending.push(job)
    this.kick()
  }

  private kick(): void {
    if (this.running || this.stopped) return
    this.running = (async () => {
      while (!this.stopped && this.pending.length > 0) {
        // Between two slices or jobs too, requests waiting are served first (src/db/take-turns.ts).
        await letOthersIn()
        if (this.stopped) break
        const job = this.pending.shift()!
        if (job.kind === 'funding') {
          await this.fund(job)
          continue
        }
        const id = job.id
        try {
          if ((await runBatchSlice(this.db, id, this.options)) === 'more') this.pending.push(job)
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

  private async fund(job: Extract<Job, { kind: 'funding' }>): Promise<void> {
    try {
      const slice = await continueFunding(this.db, job.key, {
        chunkOutcomes: this.options.fundingChunkOutcomes ?? DEFAULT_FUNDING_CHUNK,
        sliceMs: this.options.sliceMs,
      })
      if (slice.state === 'more') this.pending.push(job)
    } catch (error) {
      // Its chunk rolled back; the funding stays recorded: the next start, or the same PUT again,
      // resumes it from the queue's head.
      this.log.error({ err: error, budget: job.key }, 'budget funding failed; it resumes at the next start')
    }
  }
}

export interface PgBossOptions extends QueueOptions {
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

/**
 * How long an upload may store no slice before the sweep fails it: twice REQUEST_TIMEOUT_MS, since a
 * live upload's whole request (headers and body) arrives within that, or Node cuts it off.
 */
export const uploadGraceSeconds = (requestTimeoutMs: number): number =>
  Math.ceil((2 * requestTimeoutMs) / 1000)

/** An upload's grace when none is given: that of the default REQUEST_TIMEOUT_MS. */
export const DEFAULT_UPLOAD_GRACE_SECONDS = uploadGraceSeconds(DEFAULT_LIMITS.requestTimeoutMs)

/** Tries of a slice in its handler while the database is unreachable, and the wait between them. */
const UNREACHABLE_TRIES = 6
const UNREACHABLE_WAIT_MS = 3_000

/**
 * Runs a job's slice again, in its handler, while the database is unreachable (every connection
 * dropped, the server restarting). Such a worker cannot tell pg-boss that its job failed either (that
 * too needs a connection), so pg-boss would retry it only once it expired: BATCH_JOB_EXPIRE_SECONDS
 * and a maintenance later, about 70 s by default, with the bureau's budget queue or batch standing
 * still. The slice rolled back (or, cut during COMMIT, committed): running it again is what pg-boss's
 * retry does — a funding finds the queue's head already funded, a batch its rows already done
 * (POLICY.md §0 budget pools; issue #11 "none decided twice"). Up to UNREACHABLE_TRIES tries, 3 s
 * apart (about 15 s of outage); then, or when the process is stopping, the error goes to pg-boss as
 * before. Other errors (a timeout, an outdated instance) go at once.
 */
const againWhileUnreachable = async <T>(
  slice: () => Promise<T>,
  stopping: () => boolean,
  log: Logger,
  context: object,
): Promise<T> => {
  for (let tries = 1; ; tries++) {
    try {
      return await slice()
    } catch (error) {
      const unavailable = databaseUnavailable(error)
      const unreachable =
        unavailable?.reason === 'connection' || unavailable?.reason === 'starting-or-stopping'
      if (!unreachable || tries >= UNREACHABLE_TRIES || stopping()) throw error
      log.warn({ err: error, ...context, try: tries }, 'database unreachable: the slice runs again')
      await new Promise((resolve) => setTimeout(resolve, UNREACHABLE_WAIT_MS))
    }
  }
}

export class PgBossQueue implements BatchQueue {
  readonly boss: PgBoss
  private started = false
  private readonly pool: QueuePool | null
  private sweeper: NodeJS.Timeout | null = null
  private sweeping: Promise<void> | null = null
  /** this process's workers (pg-boss ids), woken when this process enqueues */
  private readonly workerIds: string[] = []
  /** this process's funding worker (pg-boss id), woken when this process queues a funding */
  private readonly fundingWorkerIds: string[] = []
  /** set by stop(): a slice's handler no longer runs it again (againWhileUnreachable) */
  private stopping = false

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
    this.stopping = false
    await this.boss.start()
    this.started = true
    // Creates the queues when missing; existing ones (installBatchQueue's) are left as they are.
    await this.boss.createQueue(QUEUE, queueOptions(QUEUE, this.options))
    await this.boss.createQueue(FUNDING_QUEUE, queueOptions(FUNDING_QUEUE, this.options))
    for (let i = 0; i < this.options.workers; i++) {
      const workerId = await this.boss.work<{ batchId: string }>(
        QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollingSeconds, includeMetadata: true },
        async ([job]) => {
          if (!job) return
          const batchId = job.data.batchId
          let state: Awaited<ReturnType<typeof runBatchSlice>>
          try {
            state = await againWhileUnreachable(
              () => runBatchSlice(this.db, batchId, this.options),
              () => this.stopping,
              this.log,
              { batch: batchId },
            )
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
      // One funding worker per process: a funding's chunks take turns on its budget's lock anyway.
      const fundingWorkerId = await this.boss.work<{ key: string }>(
        FUNDING_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollingSeconds },
        async ([job]) => {
          if (!job) return
          const slice = await againWhileUnreachable(
            () =>
              continueFunding(this.db, job.data.key, {
                chunkOutcomes: this.options.fundingChunkOutcomes ?? DEFAULT_FUNDING_CHUNK,
                sliceMs: this.options.sliceMs,
              }),
            () => this.stopping,
            this.log,
            { budget: job.data.key },
          )
          // Sent before this job completes: a crash between the two leaves two jobs, and the second
          // finds the queue's head already funded, never a funding without a job.
          if (slice.state === 'more') await this.boss.send(FUNDING_QUEUE, { key: job.data.key })
        },
      )
      this.fundingWorkerIds.push(fundingWorkerId)
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
        for (const key of await fundingsWithoutJob(this.db, FUNDING_QUEUE, grace)) {
          this.log.warn({ budget: key }, 'budget funding without a job: queued again')
          await this.boss.send(FUNDING_QUEUE, { key })
        }
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

  async fundBudget(key: string): Promise<void> {
    await this.start()
    await this.boss.send(FUNDING_QUEUE, { key })
    for (const id of this.fundingWorkerIds) this.boss.notifyWorker(id)
  }

  async stop(): Promise<void> {
    this.stopping = true
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
    await this.sweeping
    if (this.started) {
      await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 })
      this.started = false
      this.workerIds.length = 0
      this.fundingWorkerIds.length = 0
    }
    await this.pool?.close()
  }
}

const DEFAULT_RETRY_LIMIT = 20

const queueOptions = (
  name: string,
  o: { expireSeconds: number; retryLimit?: number; retryDelaySeconds?: number },
) => ({
  name,
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
    await boss.createQueue(QUEUE, queueOptions(QUEUE, { expireSeconds }))
    await boss.createQueue(FUNDING_QUEUE, queueOptions(FUNDING_QUEUE, { expireSeconds }))
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
      uploadGraceSeconds: uploadGraceSeconds(config.limits.requestTimeoutMs),
    },
    log,
  )
}
