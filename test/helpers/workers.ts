// Worker processes and waiting, for the tests that kill a pg-boss worker (`npm run worker`) or
// wait for a queue's job: no timed assertion, only a deadline after which the wait fails.

import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

/**
 * `npm run worker` (scripts/worker.ts) on `url`, one worker, its stderr inherited. A killed worker's
 * job is retried 3 s after it started, looked for every second; `env` adds or overrides settings.
 */
export const startWorker = (url: string, env: Record<string, string> = {}): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: url,
      LOG_LEVEL: 'error',
      BATCH_WORKERS: '1',
      BATCH_JOB_EXPIRE_SECONDS: '3',
      BATCH_QUEUE_MAINTENANCE_SECONDS: '1',
      BATCH_QUEUE_POLLING_SECONDS: '1',
      ...env,
    },
  })

/** Polls `check` every `everyMs` until it holds; throws naming `what` after `timeoutMs`. */
export const until = async (
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<void> => {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
