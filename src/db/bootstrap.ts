// A fresh database has no API key, so nobody could create one: the first start creates an admin
// key and shows it once. (Later keys: POST /v1/keys or `npm run keys:create`.)

import { sql } from 'kysely'
import type { DatabaseHandle } from './database.ts'
import { createApiKey } from './keys-repository.ts'

/** Returns the new admin key when the database had no key at all, otherwise null. */
export const ensureAdminKey = async (database: DatabaseHandle): Promise<string | null> =>
  database.db.transaction().execute(async (trx) => {
    // Serialise concurrent first starts of several instances.
    await sql`lock table api_keys in share row exclusive mode`.execute(trx)
    const any = await trx.selectFrom('api_keys').select('id').limit(1).executeTakeFirst()
    if (any) return null
    const { key } = await createApiKey(
      trx,
      { role: 'admin', label: 'first admin key (created at first start)' },
      'system',
    )
    return key
  })
