// `npm run keys:create -- --role finance [--enterprise <credit code>] [--label "…"]`: creates an API
// key in the configured database (DATABASE_URL, or PGlite under DATA_DIR; stop `npm start` first
// when on PGlite, which allows one process) and prints it once.

import { parseArgs } from 'node:util'
import { ROLES, type Role } from '../src/auth/api-keys.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { createApiKey } from '../src/db/keys-repository.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { creditCodeProblem } from '../src/engine/validate.ts'

const { values } = parseArgs({
  options: { role: { type: 'string' }, enterprise: { type: 'string' }, label: { type: 'string' } },
})
const role = values.role as Role | undefined
if (!role || !ROLES.includes(role)) {
  process.stderr.write(
    `usage: npm run keys:create -- --role <${ROLES.join('|')}> [--enterprise <credit code>] [--label <text>]\n`,
  )
  process.exit(2)
}
if (role === 'enterprise') {
  const problem =
    values.enterprise === undefined ? 'is required for role enterprise' : creditCodeProblem(values.enterprise)
  if (problem) {
    process.stderr.write(`--enterprise ${problem}\n`)
    process.exit(2)
  }
}
const database = await openDatabase(loadConfig(process.env))
try {
  await migrateToLatest(database.db)
  const { key, record } = await database.db
    .transaction()
    .execute((trx) =>
      createApiKey(trx, { role, enterprise: values.enterprise ?? null, label: values.label ?? '' }, 'system'),
    )
  process.stdout.write(`${key}\n`)
  process.stderr.write(
    `created ${record.role} key ${record.id} (prefix ${record.prefix}); it is shown only now\n`,
  )
} finally {
  await database.close()
}
