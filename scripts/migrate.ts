// `npm run db:migrate`: migrates the configured database (DATABASE_URL, or PGlite under DATA_DIR)
// to the latest version. `npm run db:migrate -- down` undoes the last migration.

import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest, migrator } from '../src/db/migrator.ts'

const config = loadConfig(process.env)
const database = await openDatabase(config)
try {
  const result =
    process.argv[2] === 'down'
      ? await migrator(database.db).migrateDown()
      : await migrateToLatest(database.db)
  if (result.error) throw result.error
  for (const r of result.results ?? [])
    process.stdout.write(`${r.direction} ${r.migrationName}: ${r.status}\n`)
  if ((result.results ?? []).length === 0)
    process.stdout.write(`${database.location}: already at the latest version\n`)
} finally {
  await database.close()
}
