// The same app the server runs (same plugins, Ajv options, routes), on a test database.

import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { testDatabase } from './database.ts'

export const testApp = async (t: Test, database?: DatabaseHandle): Promise<FastifyInstance> => {
  const app = await buildApp({ database: database ?? (await testDatabase(t)) })
  t.teardown(() => app.close())
  await app.ready()
  return app
}
