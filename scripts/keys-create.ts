// `npm run keys:create -- --role finance [--enterprise <credit code>] [--label "…"]`: creates an API
// key in the configured database (DATABASE_URL, or PGlite under DATA_DIR) and prints it once.
// PGlite serves one process: while `npm start` runs on it, this refuses at once (the directory is
// locked) and says to use POST /v1/keys instead; a key written beside a running PGlite server
// would be lost.

import { parseArgs } from 'node:util'
import { ROLES, type Role } from '../src/auth/api-keys.ts'
import { loadConfig } from '../src/config.ts'
import { DataDirectoryLockedError } from '../src/db/data-dir-lock.ts'
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts'
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
let database: DatabaseHandle
try {
  database = await openDatabase(loadConfig(process.env))
} catch (error) {
  if (!(error instanceof DataDirectoryLockedError)) throw error
  process.stderr.write(
    `keys:create: ${error.message}.\nWhile the service runs on PGlite, create keys through it: ` +
      'POST /v1/keys with an admin key (see README), or stop the service and run this again.\n',
  )
  process.exit(1)
}
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
