// Migration 2026-12-04T1850-audit-bytea on a log that already exists: the hashes become bytea and
// `at` timestamptz, every entry written before still verifies and reads back as it was written; a
// stored value that would not convert back byte for byte stops the migration instead of breaking
// the chain; and down restores the text columns.

import { sql } from 'kysely'
import t from 'tap'
import { verifyAudit } from '../../src/audit/verify.ts'
import { listEntries } from '../../src/db/audit-repository.ts'
import { findKey } from '../../src/db/idempotency-repository.ts'
import { createApiKey } from '../../src/db/keys-repository.ts'
import { migrateToLatest, migrator } from '../../src/db/migrator.ts'
import { testDatabase } from '../helpers/database.ts'

const BEFORE = '2026-12-04T1840-batch-dry-claims'

t.test('an existing log converts, verifies, reads back the same, and migrates down', async (t) => {
  const { db } = await testDatabase(t, { migrate: false })
  t.notOk((await migrator(db).migrateTo(BEFORE)).error)
  const admin = await createApiKey(db, { role: 'admin', label: 'admin' }, 'system')
  await createApiKey(
    db,
    { role: 'auditor', label: 'auditor' },
    { keyId: admin.record.id, role: 'admin', enterprise: null },
  )
  const requestHash = 'ab'.repeat(32)
  await sql`insert into idempotency_keys (caller_key_id, key, request_hash, state, response_status, response_body,
                                          expires_at)
            values (${admin.record.id}, 'k', ${requestHash}, 'done', 201, '{}', now() + interval '1 hour')`.execute(
    db,
  )
  const text = await sql<Record<string, string>>`
    select seq::text, at, entity_hash, prev_hash, entry_hash from audit_log order by seq`.execute(db)
  await migrateToLatest(db)
  const types = await sql<{ column_name: string; data_type: string }>`
    select column_name, data_type from information_schema.columns
     where table_name = 'audit_log' and column_name in ('at', 'entity_hash', 'prev_hash', 'entry_hash')
     order by column_name`.execute(db)
  t.same(
    types.rows.map((r) => `${r.column_name} ${r.data_type}`),
    ['at timestamp with time zone', 'entity_hash bytea', 'entry_hash bytea', 'prev_hash bytea'],
  )
  const read = (await listEntries(db, {}, { afterSeq: 0, limit: 10 })).entries
  t.same(
    read.map((e) => ({
      seq: String(e.seq),
      at: e.time,
      entity_hash: e.entity_hash,
      prev_hash: e.prev_hash,
      entry_hash: e.entry_hash,
    })),
    text.rows,
    'every entry reads back as it was stored as text',
  )
  t.equal((await verifyAudit(db)).valid, true, 'the old entries verify')
  t.equal(
    (await findKey(db, admin.record.id, 'k'))?.requestHash,
    requestHash,
    'a stored request hash reads back',
  )
  await createApiKey(
    db,
    { role: 'auditor', label: 'after' },
    { keyId: admin.record.id, role: 'admin', enterprise: null },
  )
  t.equal((await verifyAudit(db)).valid, true, 'and so does the chain extended after the migration')

  t.notOk((await migrator(db).migrateTo(BEFORE)).error, 'down')
  const back = await sql<Record<string, string>>`
    select seq::text, at, entity_hash, prev_hash, entry_hash from audit_log order by seq`.execute(db)
  t.same(back.rows.slice(0, text.rows.length), text.rows, 'down gives back the same text')
  const key = await sql<{
    h: string
  }>`select request_hash as h from idempotency_keys where key = 'k'`.execute(db)
  t.equal(key.rows[0]!.h, requestHash, 'and the same request hash')
  // (this code reads the migrated columns: up again to verify)
  await migrateToLatest(db)
  t.equal((await verifyAudit(db)).valid, true, 'and up again, the log verifies')
})

for (const [what, change] of [
  ['an upper-case hash', sql`update audit_head set hash = upper(hash)`],
  ['a time not written by toISOString', sql`update audit_head set hash = hash`],
] as const) {
  t.test(`${what} stops the migration`, async (t) => {
    const { db } = await testDatabase(t, { migrate: false })
    t.notOk((await migrator(db).migrateTo(BEFORE)).error)
    await createApiKey(db, { role: 'admin', label: 'admin' }, 'system')
    await change.execute(db)
    if (what.startsWith('a time')) {
      // audit_log is append-only: a row with such a time is appended by hand, as an old writer might have
      await sql`insert into audit_log (seq, at, actor_key_id, actor_role, action, entity_type, entity_id,
                                       entity_hash, prev_hash, entry_hash)
                select 2, '2026-01-01T09:00:00Z', 'system', 'system', 'x', 'x', 'x', entry_hash, entry_hash, entry_hash
                  from audit_log where seq = 1`.execute(db)
    }
    const result = await migrator(db).migrateToLatest()
    t.ok(result.error, 'refused')
    const type = await sql<{ data_type: string }>`
      select data_type from information_schema.columns where table_name = 'audit_log' and column_name = 'at'`.execute(
      db,
    )
    t.equal(type.rows[0]!.data_type, 'text', 'nothing converted')
  })
}
