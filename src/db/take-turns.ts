// Long jobs take turns with the API (issue #11). On PGlite every query is synchronous WebAssembly
// behind a promise, and the one connection is handed on FIFO (kysely-pglite-dialect's queue): a job
// going straight from one chunk's transaction to the next runs on microtasks only, so the event loop
// never polls its sockets and a request arriving mid-job (a batch's progress, /health/ready, a POST)
// is not even read until the whole job is done. Between two chunks a job awaits one macrotask:
// the loop polls, requests that arrived are read and their first queries queue for the connection
// ahead of the job's next chunk. On PostgreSQL the pool's sockets already yield; this costs one loop
// turn per chunk (hundreds of rows), nothing measurable.

import { setImmediate } from 'node:timers/promises'

/** Resolves after the event loop has polled I/O once: call it between two chunks of a long job. */
export const letOthersIn = (): Promise<void> => setImmediate()
