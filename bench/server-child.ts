// The bench server as a child process (bench/server.ts, or a bundle of it for profiling), shared by
// bench/run.ts and bench/profile-route.ts: started with `npm start`'s node flags
// (test/helpers/start-command.ts) so that it runs as a user's service does, asked for its CPU time
// and stopped over IPC; and pinned for a load test as in the measurement.

import { fork } from 'node:child_process'
import { join } from 'node:path'
import { START_NODE_ARGS } from '../test/helpers/start-command.ts'
import { CORES, PIN, pin } from './pin.ts'
import type { ServerMessage } from './server.ts'

const ROOT = join(import.meta.dirname, '..')

/** BENCH_SERVER_NODE_ARGS: more node flags for the server (space-separated), e.g. --trace-gc */
const EXTRA_NODE_ARGS = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean)

export interface Server {
  url: string
  pid: number
  /** the server's CPU time so far (user + system, µs) */
  cpu(): Promise<number>
  stop(): Promise<void>
}

export interface ServerOptions {
  /** BENCH_DATABASE_URL: null for a server without a database (the stateless routes only) */
  databaseUrl: string | null
  poolSize: number
  /** the file to run (default bench/server.ts) */
  entry?: string
  /** node flags after `npm start`'s (e.g. --cpu-prof) */
  nodeArgs?: readonly string[]
}

export const startServer = (options: ServerOptions): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child = fork(options.entry ?? join(ROOT, 'bench', 'server.ts'), [], {
      cwd: ROOT,
      // as `npm start` runs the service: its node flags (test/helpers/start-command.ts)
      execArgv: [...START_NODE_ARGS, ...(options.nodeArgs ?? []), ...EXTRA_NODE_ARGS],
      env: {
        ...process.env,
        BENCH_DATABASE_URL: options.databaseUrl ?? '',
        BENCH_POOL_SIZE: String(options.poolSize),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done()
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        child.once('exit', () => {
          clearTimeout(timer)
          done()
        })
        child.send('stop')
      })
    const cpu = () =>
      new Promise<number>((done) => {
        const answer = (message: ServerMessage) => {
          if (!('cpuMicroseconds' in message)) return
          child.off('message', answer)
          done(message.cpuMicroseconds)
        }
        child.on('message', answer)
        child.send('cpu')
      })
    child.once('message', (message: ServerMessage) => {
      if ('error' in message) reject(new Error(`bench server failed to start: ${message.error}`))
      else if ('port' in message)
        resolve({ url: `http://127.0.0.1:${message.port}`, pid: child.pid!, cpu, stop })
    })
    child.once('exit', (code) => reject(new Error(`bench server exited with code ${code}`)))
  })

/**
 * The server on core 0, this process (the load generator) on the others, as in the issue's
 * measurement, so neither steals the other's core mid-run; undone by the function returned.
 */
export const pinForLoad = (server: Server): (() => void) => {
  if (!PIN) return () => {}
  pin(server.pid, '0')
  pin(process.pid, `1-${CORES - 1}`)
  return () => {
    pin(server.pid, `0-${CORES - 1}`)
    pin(process.pid, `0-${CORES - 1}`)
  }
}
