// The OpenAPI document as text, from the real app built on a database-less handle.

import { buildApp } from './app.ts'
import { unavailableDatabase } from './db/unavailable.ts'

export const generateOpenApi = async (): Promise<string> => {
  const app = await buildApp({ database: unavailableDatabase() })
  await app.ready()
  const text = `${JSON.stringify(app.swagger(), null, 2)}\n`
  await app.close()
  return text
}
