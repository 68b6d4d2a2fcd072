// 1 000 concurrent decisions across two service instances: the audit log has exactly one entry per
// state change, sequence numbers 1..N without gaps, and it verifies (chain and entity hashes).

import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { appendAudit } from '../../src/db/audit-repository.ts'
import { requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const APPLICATIONS = 1000

t.test('the audit log under 1 000 concurrent decisions on two instances', async (t) => {
  if (!requirePostgres(t, '1 000 concurrent decisions on two API instances')) return
  const first = await testDatabase(t, { poolSize: 10 })
  const second = secondPool(t, first, 10)
  const apps = [await buildApp({ database: first }), await buildApp({ database: second })]
  t.teardown(async () => {
    for (const a of apps) await a.close()
  })
  const keys = await keysFor(first)

  // 50 projects, 20 applications each: contention on ledger rows as well as on the audit head.
  const responses = await Promise.all(
    Array.from({ length: APPLICATIONS }, (_, i) =>
      apps[i % 2]!.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(keys.finance), 'idempotency-key': `audit-${i}` },
        payload: deepProcessing(`p-audit-${i % 50}`, '1000000.00'),
      }),
    ),
  )
  t.same([...new Set(responses.map((r) => r.statusCode))], [201], 'every application stored')

  const count = async (query: ReturnType<typeof sql<{ n: string }>>) =>
    Number((await query.execute(first.db)).rows[0]!.n)
  const applications = await count(sql`select count(*) as n from applications`)
  const decisions = await count(sql`select count(*) as n from decisions`)
  const grants = await count(sql`select count(*) as n from ledger_entries`)
  const keyChanges = await count(sql`select count(*) as n from api_keys`)
  const entries = await count(sql`select count(*) as n from audit_log`)
  t.equal(applications, APPLICATIONS)
  t.equal(entries, applications + decisions + grants + keyChanges, 'exactly one entry per state change')

  const range = (
    await sql<{ min: string; max: string }>`select min(seq) as min, max(seq) as max from audit_log`.execute(
      first.db,
    )
  ).rows[0]!
  t.equal(Number(range.min), 1, 'starts at 1')
  t.equal(Number(range.max), entries, 'no gaps: max(seq) = count')
  const head = (await sql<{ seq: string }>`select seq from audit_head`.execute(first.db)).rows[0]!
  t.equal(Number(head.seq), entries, 'the head is the last entry')

  const verify = await apps[1]!.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
  t.match(verify.json(), { valid: true, checked: entries, first_bad_seq: null }, 'the whole log verifies')
})

// audit_append serialises its callers with an advisory lock (migration 2026-12-05T1910), not a row
// lock on audit_head. A caller in REPEATABLE READ whose snapshot is older than the lock reads an old
// head: its append must be refused, never written as a second entry after that old head.
t.test('an append in REPEATABLE READ that read an old head is refused: the chain never forks', async (t) => {
  if (!requirePostgres(t, 'two connections, one in REPEATABLE READ')) return
  const database = await testDatabase(t, { poolSize: 2 })
  const other = secondPool(t, database, 1)
  const entry = (id: string) => ({
    time: new Date().toISOString(),
    actor: { keyId: 'system', role: 'system' as const },
    action: 'api-key.created',
    entity: { type: 'api-key' as const, id },
    entity_hash: 'c'.repeat(64),
  })
  const before = Number(
    (await sql<{ seq: string }>`select seq from audit_head`.execute(database.db)).rows[0]!.seq,
  )
  let refused = 'not refused'
  await database.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await sql`select seq from audit_head`.execute(trx) // the snapshot is taken here
      await appendAudit(other.db, [entry(randomUUID())]) // another instance appends and commits
      await appendAudit(trx, [entry(randomUUID())])
    })
    .catch((error: { code?: string; message?: string }) => {
      refused = error.code ?? `no code: ${error.message}`
    })
  t.ok(
    refused === '23505' || refused === '40001',
    `refused (${refused}): the seq after the old head is taken, and the head moved`,
  )
  const after = await sql<{ seq: string; n: string }>`
    select (select seq from audit_head) as seq, (select count(*) from audit_log where seq > ${before}) as n`.execute(
    database.db,
  )
  t.same(after.rows[0], { seq: String(before + 1), n: '1' }, 'one entry appended: the other instance’s')
  const links = await sql<{ broken: string; head: boolean }>`
    select (select count(*) from audit_log a join audit_log b on b.seq = a.seq + 1
             where b.prev_hash <> a.entry_hash) as broken,
           (select hash from audit_head) = (select entry_hash from audit_log order by seq desc limit 1) as head`.execute(
    database.db,
  )
  t.same(
    links.rows[0],
    { broken: '0', head: true },
    'each entry follows the one before; the head is the last',
  )
})
