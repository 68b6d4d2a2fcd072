// The same app the server runs (same plugins, Ajv options, routes), on a test database.

import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import type { Test } from 'tap'
import { type AppOptions, buildApp } from '../../src/app.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { testDatabase } from './database.ts'

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
