// Stopping without dropping a request. A SIGTERM arrives while clients are sending: some requests
// sit in the kernel's accept queue, some in a socket Node has not read yet, some half-received.
// Closing the listening socket at once resets the first kind and closing idle connections loses
// the second (clients saw ECONNRESET for 36 of 50 requests sent at a SIGTERM). So a shutdown:
//   1. drains: readiness answers 503 and every response says "Connection: close", while the server
//      keeps accepting and reading until no connection or request has arrived for a short quiet
//      period (bounded), so what clients already sent is received;
//   2. closes the server: no new connections; requests in progress, including those whose body is
//      still arriving, are finished and answered;
//   3. runs the shutdown hooks (batch workers stop taking jobs here, when there are any);
//   4. closes the database (PGlite flushes its directory and releases its lock).
// src/server.ts bounds the whole of it (SHUTDOWN_TIMEOUT_SECONDS) and exits 0 when it completes.

import type { Server } from 'node:http'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { DatabaseHandle } from './db/database.ts'

export interface DrainOptions {
  /** no new connection or request for this long ends the drain */
  quietMs: number
  /** the drain ends after this long even under continuous traffic */
  maxMs: number
}

export const DEFAULT_DRAIN: DrainOptions = { quietMs: 250, maxMs: 3_000 }

/** Resolves when `server` has seen no new connection or request for quietMs (at most maxMs). */
export const drainConnections = async (server: Server, options: DrainOptions): Promise<void> => {
  let last = Date.now()
  const touch = () => {
    last = Date.now()
  }
  server.on('connection', touch)
  server.on('request', touch)
  const deadline = Date.now() + options.maxMs
  try {
    for (;;) {
      const now = Date.now()
      const quietUntil = last + options.quietMs
      if (now >= quietUntil || now >= deadline) return
      await new Promise((r) => setTimeout(r, Math.min(quietUntil, deadline) - now))
    }
  } finally {
    server.off('connection', touch)
    server.off('request', touch)
  }
}

/** Work to stop before the database closes (batch workers, when there are some). */
export type ShutdownHook = () => Promise<void>

export interface ShutdownOptions {
  app: FastifyInstance
  database: DatabaseHandle
  logger: FastifyBaseLogger
  hooks?: readonly ShutdownHook[]
  drain?: DrainOptions
}

export const shutdown = async ({
  app,
  database,
  logger,
  hooks = [],
  drain = DEFAULT_DRAIN,
}: ShutdownOptions): Promise<void> => {
  app.lifecycle.draining = true
  const started = Date.now()
  await drainConnections(app.server, drain)
  logger.info({ drainedMs: Date.now() - started }, 'shutdown: drained; closing the server')
  // Fastify stops listening and waits for the requests in progress to be answered.
  await app.close()
  for (const hook of hooks) await hook()
  await database.close()
}
