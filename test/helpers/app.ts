// The same app the server runs (same plugins, Ajv options, routes), on a test database.

import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import type { Test } from 'tap'
import { type AppOptions, buildApp } from '../../src/app.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { secondPool, testDatabase } from './database.ts'

export const testApp = async (
  t: Test,
  database?: DatabaseHandle,
  options: Omit<AppOptions, 'database'> = {},
): Promise<FastifyInstance> => {
  // TEST_LOG=debug shows the app's logs (errors behind a 500 included) while debugging a test.
  const level = process.env['TEST_LOG']
  const app = await buildApp({
    ...options,
    database: database ?? (await testDatabase(t)),
    ...(level ? { logger: pino({ level }, pino.destination(2)) } : {}),
  })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/**
 * The API instances a concurrency test runs against one database: on PostgreSQL two, each with its own
 * pool of `poolSize` (as two processes would be), on PGlite the one (an embedded database has one).
 */
export const instancesOn = async (
  t: Test,
  database: DatabaseHandle,
  poolSize = 10,
): Promise<FastifyInstance[]> =>
  database.kind === 'postgres'
    ? [await testApp(t, database), await testApp(t, secondPool(t, database, poolSize))]
    : [await testApp(t, database)]
