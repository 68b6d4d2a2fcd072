// Reading the audit log back: listing with filters and keyset pages, ranges in batches, the head,
// and entity hashes recomputed from the rows stored now (compared at an entity's latest entry only).

import { randomUUID } from 'node:crypto'
import t from 'tap'
import { hashCanonical } from '../../src/audit/canonical-json.ts'
import { type AuditEntry, GENESIS_HASH, verifyChain } from '../../src/audit/chain.ts'
import type { Caller } from '../../src/auth/api-keys.ts'
import {
  appendAudit,
  currentEntityHashes,
  findEntry,
  head,
  listEntries,
  MAX_PAGE_SIZE,
  MISSING_ENTITY,
  readEntryHashes,
  readRange,
} from '../../src/db/audit-repository.ts'
import { applicationEntity, entityHash } from '../../src/db/entities.ts'
import { createApiKey, keyEntity, revokeApiKey } from '../../src/db/keys-repository.ts'
import { testDatabase } from '../helpers/database.ts'

const { db } = await testDatabase(t)

// Read before anything is appended. Subtests are registered only after every top-level await:
// tap ends the file once its queue of subtests runs dry.
const empty = {
  head: await head(db),
  page: await listEntries(db, {}, { afterSeq: 0, limit: 10 }),
  entry: await findEntry(db, 1),
  batches: [] as AuditEntry[][],
}
for await (const batch of readRange(db, 1, 100)) empty.batches.push(batch)

// Entries 1..3: keys created and one revoked through the keys repository.
const admin = await createApiKey(db, { role: 'admin', label: 'admin' }, 'system')
const caller: Caller = { keyId: admin.record.id, role: 'admin', enterprise: null }
const auditor = await createApiKey(db, { role: 'auditor', label: 'auditor' }, caller)
const revoked = await revokeApiKey(db, auditor.record.id, caller)
// Entries 4..11: at fixed times, about made-up entities, by two actors.
const times = Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i, 9)).toISOString())
await appendAudit(
  db,
  times.map((time, i) => ({
    time,
    actor: i % 2 ? { keyId: 'system', role: 'system' } : { keyId: admin.record.id, role: 'admin' },
    action: i % 2 ? 'thing.checked' : 'thing.created',
    entity: { type: 'thing', id: `thing-${i % 3}` },
    entity_hash: hashCanonical({ i }),
  })),
)
const SIZE = 11

t.test('an empty log has the genesis head and no entries', async (t) => {
  t.same(empty.head, { seq: 0, entry_hash: GENESIS_HASH })
  t.same(empty.page, { entries: [], nextAfterSeq: null })
  t.equal(empty.entry, null)
  t.same(empty.batches, [])
})

const all = async (): Promise<AuditEntry[]> => {
  const entries: AuditEntry[] = []
  for await (const batch of readRange(db, 1, SIZE)) entries.push(...batch)
  return entries
}

t.test('entries read back are the chain as hashed by audit_append', async (t) => {
  const entries = await all()
  t.same(
    entries.map((e) => e.seq),
    Array.from({ length: SIZE }, (_, i) => i + 1),
  )
  t.match(verifyChain(entries), { valid: true, checked: SIZE })
  t.same(await head(db), { seq: SIZE, entry_hash: entries.at(-1)!.entry_hash })
  t.match(entries[0], {
    seq: 1,
    actor: { keyId: 'system', role: 'system' },
    action: 'api-key.created',
    entity: { type: 'api-key', id: admin.record.id },
    entity_hash: hashCanonical(keyEntity(admin.record)),
    prev_hash: GENESIS_HASH,
  })
  t.same(await findEntry(db, 3), entries[2])
})

t.test('readRange walks a range in batches; readEntryHashes gives the leaves', async (t) => {
  const sizes: number[] = []
  const seqs: number[] = []
  for await (const batch of readRange(db, 2, 10, 4)) {
    sizes.push(batch.length)
    seqs.push(...batch.map((e) => e.seq))
  }
  t.same(sizes, [4, 4, 1])
  t.same(seqs, [2, 3, 4, 5, 6, 7, 8, 9, 10])
  const exact: number[] = []
  for await (const batch of readRange(db, 1, 8, 4)) exact.push(batch.length)
  t.same(exact, [4, 4], 'a range that ends on a batch boundary asks no further')
  const leaves: { seq: number; entryHash: string }[] = []
  for await (const batch of readEntryHashes(db, SIZE, 5)) leaves.push(...batch)
  t.same(
    leaves,
    (await all()).map((e) => ({ seq: e.seq, entryHash: e.entry_hash })),
  )
})

t.test('listEntries: keyset pages on seq', async (t) => {
  const seen: number[] = []
  let afterSeq = 0
  let pages = 0
  for (;;) {
    const page = await listEntries(db, {}, { afterSeq, limit: 3 })
    pages++
    seen.push(...page.entries.map((e) => e.seq))
    if (page.nextAfterSeq === null) break
    t.equal(page.nextAfterSeq, page.entries.at(-1)!.seq)
    afterSeq = page.nextAfterSeq
  }
  t.same(
    seen,
    Array.from({ length: SIZE }, (_, i) => i + 1),
  )
  t.equal(pages, 4)
  const exact = await listEntries(db, {}, { afterSeq: 8, limit: 3 })
  t.equal(exact.nextAfterSeq, null, 'a page that ends exactly at the last entry is the last page')
  t.equal((await listEntries(db, {}, { afterSeq: 0, limit: 10_000 })).entries.length, SIZE)
  t.equal(MAX_PAGE_SIZE, 500)
})

t.test('listEntries: filters combine', async (t) => {
  const seqs = async (filters: Parameters<typeof listEntries>[1]) =>
    (await listEntries(db, filters, { afterSeq: 0, limit: 100 })).entries.map((e) => e.seq)
  t.same(await seqs({ fromSeq: 3, toSeq: 5 }), [3, 4, 5])
  t.same(await seqs({ entity: { type: 'api-key' } }), [1, 2, 3])
  t.same(await seqs({ entity: { type: 'api-key', id: auditor.record.id } }), [2, 3])
  t.same(await seqs({ entity: { type: 'thing', id: 'thing-0' } }), [4, 7, 10])
  t.same(await seqs({ actorKeyId: 'system' }), [1, 5, 7, 9, 11])
  t.same(await seqs({ action: 'thing.created' }), [4, 6, 8, 10])
  t.same(await seqs({ from: times[2], to: times[4] }), [6, 7, 8], 'from and to are inclusive')
  t.same(await seqs({ action: 'thing.created', from: times[2], fromSeq: 7 }), [8, 10])
  t.same(
    (await listEntries(db, { fromSeq: 4 }, { afterSeq: 6, limit: 2 })).entries.map((e) => e.seq),
    [7, 8],
    'the cursor and from_seq together: whichever is later',
  )
})

t.test('currentEntityHashes: the latest entry of each entity, from its row now', async (t) => {
  const entries = await all()
  const hashes = await currentEntityHashes(db, entries)
  t.same(
    [...hashes.entries()],
    [
      [1, hashCanonical(keyEntity(admin.record))],
      [3, hashCanonical(keyEntity(revoked!))],
    ],
    'the auditor key is compared at its revocation (seq 3), not at its creation; "thing" is not rebuildable',
  )
  t.equal(hashes.get(1), entries[0]!.entity_hash)
  t.equal(hashes.get(3), entries[2]!.entity_hash)
  t.same(
    [...(await currentEntityHashes(db, entries.slice(1, 2))).entries()],
    [],
    'a batch holding only an earlier entry compares nothing',
  )

  const fake = (type: string, id: string, seq: number): AuditEntry => ({
    ...entries[0]!,
    seq,
    entity: { type, id },
  })
  // Made-up entries the log does not hold: none is its entity's latest stored entry.
  const missing = await currentEntityHashes(db, [
    fake('api-key', randomUUID(), 1),
    fake('application', 'not-a-uuid', 1),
    fake('ledger-entry', 'x1', 1),
  ])
  t.same([...missing.entries()], [], 'entities the log never mentions are not compared')
})

t.test('currentEntityHashes: a row that is gone, or an id that cannot be one, is missing', async (t) => {
  const ids = { key: randomUUID(), application: 'not-a-uuid', ledger: 'x1' }
  const seq = await appendAudit(db, [
    {
      time: new Date().toISOString(),
      actor: { keyId: 'system', role: 'system' },
      action: 'api-key.created',
      entity: { type: 'api-key', id: ids.key },
      entity_hash: 'a'.repeat(64),
    },
    {
      time: new Date().toISOString(),
      actor: { keyId: 'system', role: 'system' },
      action: 'application.created',
      entity: { type: 'application', id: ids.application },
      entity_hash: 'b'.repeat(64),
    },
    {
      time: new Date().toISOString(),
      actor: { keyId: 'system', role: 'system' },
      action: 'ledger-entry.created',
      entity: { type: 'ledger-entry', id: ids.ledger },
      entity_hash: 'c'.repeat(64),
    },
  ])
  const entries: AuditEntry[] = []
  for await (const batch of readRange(db, seq - 2, seq)) entries.push(...batch)
  t.same(
    [...(await currentEntityHashes(db, entries)).entries()],
    [
      [seq - 2, MISSING_ENTITY],
      [seq - 1, MISSING_ENTITY],
      [seq, MISSING_ENTITY],
    ],
  )

  // An application row that does exist hashes as the writer's builder does.
  const row = await db
    .insertInto('applications')
    .values({
      id: randomUUID(),
      enterprise_credit_code: '91530100MA0000000X',
      project_id: null,
      application_date: '2016-02-29',
      facts: JSON.stringify({ b: 1, a: [1, 2] }),
      input_hash: 'd'.repeat(64),
      submitted_by: admin.record.id,
    })
    .returning([
      'id',
      'enterprise_credit_code',
      'project_id',
      'application_date',
      'facts',
      'input_hash',
      'submitted_by',
    ])
    .executeTakeFirstOrThrow()
  const appSeq = await appendAudit(db, [
    {
      time: new Date().toISOString(),
      actor: { keyId: admin.record.id, role: 'admin' },
      action: 'application.created',
      entity: { type: 'application', id: row.id },
      entity_hash: entityHash(applicationEntity(row)),
    },
  ])
  const entry = (await findEntry(db, appSeq))!
  t.same([...(await currentEntityHashes(db, [entry])).entries()], [[appSeq, entry.entity_hash]])
})

t.test('a time that would not read back byte for byte is refused, and nothing is appended', async (t) => {
  // `at` is timestamptz since migration 2026-12-04T1850 and is read back as Date#toISOString text:
  // each of these is the same instant as some toISOString text but not that text, so storing it
  // would make the entry's canonical JSON (and its entry_hash) unverifiable.
  const before = await head(db)
  for (const time of ['2026-01-01T09:00:00Z', '2026-01-01T17:00:00.000+08:00', '2026-01-01 09:00:00.000Z']) {
    await t.rejects(
      appendAudit(db, [
        {
          time,
          actor: { keyId: 'system', role: 'system' },
          action: 'thing.created',
          entity: { type: 'thing', id: 'thing-x' },
          entity_hash: hashCanonical({ time }),
        },
      ]),
      { code: '22007' },
      time,
    )
  }
  t.same(await head(db), before, 'the head did not move')
  const last = await findEntry(db, SIZE)
  t.equal(last?.time, times.at(-1), 'a stored time reads back as written')
  t.equal(await findEntry(db, before.seq + 1), null, 'no entry after the head')
})
