// An API instance as production runs it: a separate `node … src/server.ts` process with `npm start`'s
// node flags (test/helpers/start-command.ts), its own port and environment. The fault suite kills, restarts and signals these.

import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { START_NODE_ARGS } from '../../helpers/start-command.ts'

export const ROOT = join(import.meta.dirname, '..', '..', '..')

/** The environment of a child process: ours without tap's hooks (coverage, loaders). */
export const childEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS_')),
  ),
  LOG_LEVEL: 'warn',
  ...extra,
})

export interface Instance {
  name: string
  port: number
  base: string
  process: ChildProcess
  /** everything it printed (JSON logs) */
  output(): string
  /** resolves with the exit code (or signal) */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** true while it runs; an exit we did not cause is recorded by the caller from `exited` */
  running(): boolean
}

export const startInstance = (name: string, port: number, env: Record<string, string>): Instance => {
  const child = spawn(process.execPath, [...START_NODE_ARGS, 'src/server.ts'], {
    cwd: ROOT,
    env: childEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString()
  })
  let alive = true
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      alive = false
      resolve({ code, signal })
    }),
  )
  return {
    name,
    port,
    base: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    exited,
    running: () => alive,
  }
}

/** Waits until GET /health/ready answers 200; throws with the instance's output after `ms`. */
export const waitReady = async (instance: Instance, ms = 60_000): Promise<number> => {
  const started = Date.now()
  while (Date.now() - started < ms) {
    if (!instance.running()) throw new Error(`${instance.name} exited while starting:\n${instance.output()}`)
    try {
      const res = await fetch(`${instance.base}/health/ready`, { signal: AbortSignal.timeout(2_000) })
      if (res.status === 200) return Date.now() - started
    } catch {}
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${instance.name} not ready after ${ms} ms:\n${instance.output()}`)
}

/**
 * The admin key a first start creates: not a terminal here, so it is written to a 0600 file whose
 * path the log names (never the key itself).
 */
export const adminKeyOf = (instance: Instance): string | null => {
  const line = instance
    .output()
    .split('\n')
    .find((l) => l.includes('admin API key was created'))
  if (!line) return null
  const path = (JSON.parse(line) as { adminKeyFile?: string }).adminKeyFile
  if (!path || !existsSync(path)) return null
  return /(yik_[A-Za-z0-9_-]+)/.exec(readFileSync(path, 'utf8'))?.[1] ?? null
}
