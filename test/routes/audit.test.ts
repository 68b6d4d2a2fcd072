// The auditor's routes: who may call them, the listing and its pages, the checkpoint, verification
// with and without an earlier checkpoint, and what a tampered log looks like from outside.

import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { type AuditEntry, entryHash } from '../../src/audit/chain.ts'
import { merkleRoot, verifyCheckpointConsistency } from '../../src/audit/merkle.ts'
import type { Caller } from '../../src/auth/api-keys.ts'
import { createApiKey, revokeApiKey } from '../../src/db/keys-repository.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { deepProcessing } from '../helpers/fixtures.ts'

const database = await testDatabase(t)
const { db } = database
const app = await testApp(t, database)

const admin = await createApiKey(db, { role: 'admin', label: 'admin' }, 'system')
const adminCaller: Caller = { keyId: admin.record.id, role: 'admin', enterprise: null }
const auditor = await createApiKey(db, { role: 'auditor', label: 'auditor' }, adminCaller)
const finance = await createApiKey(db, { role: 'finance', label: 'finance' }, adminCaller)
const enterprise = await createApiKey(
  db,
  { role: 'enterprise', enterprise: '91530100MA0000000X', label: 'enterprise' },
  adminCaller,
)
const spare = await createApiKey(db, { role: 'auditor', label: 'spare' }, adminCaller)
await revokeApiKey(db, spare.record.id, adminCaller)
const SIZE = 6

const get = (url: string, key: string | null = auditor.key) =>
  app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} })

const ROUTES = ['/v1/audit/entries', '/v1/audit/checkpoint', '/v1/audit/verify']

t.test('auditor and finance only', async (t) => {
  for (const url of ROUTES) {
    const anonymous = await get(url, null)
    t.equal(anonymous.statusCode, 401, `${url} without a key`)
    t.match(anonymous.headers['content-type'], /^application\/problem\+json/)
    t.equal((await get(url, enterprise.key)).statusCode, 403, `${url} for an enterprise key`)
    t.equal((await get(url, admin.key)).statusCode, 403, `${url} for an admin key`)
    t.equal((await get(url, spare.key)).statusCode, 401, `${url} for a revoked key`)
    t.equal((await get(url, auditor.key)).statusCode, 200, `${url} for an auditor`)
    t.equal((await get(url, finance.key)).statusCode, 200, `${url} for finance`)
  }
})

t.test('entries: pages, filters, and hashes an auditor can recompute', async (t) => {
  const seen: AuditEntry[] = []
  let url = '/v1/audit/entries?limit=4'
  for (;;) {
    const res = await get(url)
    t.equal(res.statusCode, 200)
    const page = res.json() as { entries: AuditEntry[]; next_cursor: string | null }
    seen.push(...page.entries)
    if (page.next_cursor === null) break
    url = `/v1/audit/entries?limit=4&cursor=${page.next_cursor}`
  }
  t.ok(seen.length >= SIZE)
  t.same(
    seen.map((e) => e.seq),
    seen.map((_, i) => i + 1),
  )
  t.same(Object.keys(seen[0]!).sort(), [
    'action',
    'actor',
    'entity',
    'entity_hash',
    'entry_hash',
    'prev_hash',
    'seq',
    'time',
  ])
  for (const e of seen) t.equal(entryHash(e.prev_hash, e), e.entry_hash, `entry ${e.seq} recomputes`)

  const seqs = async (query: string) => {
    const res = await get(`/v1/audit/entries?${query}`)
    t.equal(res.statusCode, 200, query)
    return (res.json().entries as AuditEntry[]).map((e) => e.seq)
  }
  t.same(await seqs(`entity=api-key:${spare.record.id}`), [5, 6])
  t.same(await seqs('action=api-key.revoked'), [6])
  t.same(await seqs(`actor=${admin.record.id}&from_seq=3&to_seq=5`), [3, 4, 5])
  t.same(await seqs('actor=system'), [1])
  t.same(await seqs('entity=application'), [])
  const at = seen[2]!.time
  t.same(await seqs(`from=${encodeURIComponent(at)}&to=${encodeURIComponent(at)}&entity=api-key`), [3])
  t.same(
    await seqs('from=2000-01-01T00:00:00%2B08:00&to_seq=2'),
    [1, 2],
    'any offset, compared as an instant',
  )
})

t.test('bad query parameters: 400 naming the parameter', async (t) => {
  const cases: [string, string][] = [
    ['/v1/audit/entries?from_seq=abc', 'from_seq'],
    ['/v1/audit/entries?from_seq=0', 'from_seq'],
    ['/v1/audit/entries?to_seq=-1', 'to_seq'],
    ['/v1/audit/entries?from_seq=5&to_seq=4', 'to_seq'],
    ['/v1/audit/entries?limit=501', 'limit'],
    ['/v1/audit/entries?limit=0', 'limit'],
    ['/v1/audit/entries?limit=1.5', 'limit'],
    ['/v1/audit/entries?cursor=next', 'cursor'],
    ['/v1/audit/entries?from=yesterday', 'from'],
    // a range that selects nothing is a mistake to name, not an empty page (as the grant report)
    ['/v1/audit/entries?from=2026-12-06T00:00:00Z&to=2026-12-05T00:00:00Z', 'to'],
    ['/v1/audit/entries?from=2026-12-06T08:00:00%2B08:00&to=2026-12-05T23:59:59Z', 'to'],
    ['/v1/audit/entries?entity=API%20key', 'entity'],
    ['/v1/audit/entries?seq=1', 'seq'],
    ['/v1/audit/verify?from_seq=1e3', 'from_seq'],
    ['/v1/audit/verify?to_seq=12345678901234567', 'to_seq'],
    ['/v1/audit/verify?size=3', 'root'],
    [`/v1/audit/verify?size=3&root=${'a'.repeat(64)}`, 'head_hash'],
    [`/v1/audit/verify?size=x&root=${'a'.repeat(64)}&head_hash=${'b'.repeat(64)}`, 'size'],
    [`/v1/audit/verify?size=3&root=${'A'.repeat(64)}&head_hash=${'b'.repeat(64)}`, 'root'],
  ]
  for (const [url, parameter] of cases) {
    const res = await get(url)
    t.equal(res.statusCode, 400, url)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.json(), { status: 400, errors: [{ parameter }] }, `${url} names ${parameter}`)
  }
  // the document says what the route checks: the pattern refuses them, in words
  for (const [url, words] of [
    ['/v1/audit/entries?limit=501', 'must be a whole number from 1 to 500'],
    ['/v1/audit/entries?limit=0', 'must be a whole number from 1 to 500'],
    ['/v1/audit/verify?from_seq=0', 'must be a whole number of at least 1'],
  ] as const) {
    const res = await app.inject({
      url,
      headers: { authorization: `Bearer ${auditor.key}`, 'accept-language': 'en' },
    })
    t.equal(res.json().errors[0].detail, words, url)
  }
  t.equal((await get('/v1/audit/entries?limit=500')).statusCode, 200, '500 is allowed')
})

t.test('checkpoint and verify: the log only grew since', async (t) => {
  const before = Date.now()
  const { issued_at, ...checkpoint } = (await get('/v1/audit/checkpoint')).json()
  const after = Date.now()
  const entries = (await get('/v1/audit/entries?limit=500')).json().entries as AuditEntry[]
  t.same(checkpoint, {
    size: entries.length,
    root: merkleRoot(entries.map((e) => e.entry_hash)),
    head_hash: entries.at(-1)!.entry_hash,
    head_seq: entries.length,
  })
  t.match(issued_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'issued_at: ISO 8601 UTC')
  // The database's clock and this process's are the same machine's; a second either side for rounding.
  t.ok(
    Date.parse(issued_at) >= before - 1000 && Date.parse(issued_at) <= after + 1000,
    `issued_at ${issued_at} is when it was asked for`,
  )
  t.ok(entries.at(-1)!.time <= issued_at, 'issued after the last entry it covers')

  const plain = (await get('/v1/audit/verify')).json()
  t.same(plain, {
    valid: true,
    checked: entries.length,
    from_seq: 1,
    to_seq: entries.length,
    first_bad_seq: null,
    expected: null,
    actual: null,
    problem: null,
    derived: { checked: { subjects: 0, decisions: 0 }, mismatches: [] },
  })
  t.match((await get('/v1/audit/verify?from_seq=2&to_seq=3')).json(), { valid: true, checked: 2 })

  await createApiKey(db, { role: 'finance', label: 'later' }, adminCaller)
  await createApiKey(db, { role: 'finance', label: 'later still' }, adminCaller)
  const query = (c: { size: number; root: string; head_hash: string }) =>
    `size=${c.size}&root=${c.root}&head_hash=${c.head_hash}`
  const res = await get(`/v1/audit/verify?${query(checkpoint)}`)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, {
    valid: true,
    checked: checkpoint.size + 2,
    checkpoint: { consistent: true, size: checkpoint.size, current: { size: checkpoint.size + 2 } },
  })
  t.ok(
    verifyCheckpointConsistency(checkpoint, body.checkpoint.current, body.checkpoint.consistency_proof),
    'the proof checks offline (RFC 9162 §2.1.4.2)',
  )
  const now = (await get('/v1/audit/checkpoint')).json()
  t.same(body.checkpoint.current, { size: now.size, root: now.root, head_hash: now.head_hash })

  const flipped = checkpoint.root.replace(/^./, (c: string) => (c === '0' ? '1' : '0'))
  t.match((await get(`/v1/audit/verify?${query({ ...checkpoint, root: flipped })}`)).json(), {
    valid: false,
    first_bad_seq: checkpoint.size,
    problem: 'checkpoint-mismatch',
    checkpoint: { consistent: false, current: null, consistency_proof: null },
  })
  t.match((await get(`/v1/audit/verify?${query({ ...now, size: now.size + 3 })}`)).json(), {
    valid: false,
    first_bad_seq: now.size + 1,
    problem: 'truncated',
  })
})

t.test(
  'a decision’s trail includes the decision.superseded entry of the one that corrected it',
  async (t) => {
    const headers = (key: string) => ({ authorization: `Bearer ${key}`, 'idempotency-key': randomUUID() })
    const submitted = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: headers(finance.key),
      payload: deepProcessing('p-trail', '120000000.00'),
    })
    t.equal(submitted.statusCode, 201, submitted.body)
    const oldId = submitted.json().decisions[0].id as string
    const correct = (id: string) =>
      app.inject({
        method: 'POST',
        url: `/v1/decisions/${id}/corrections`,
        headers: headers(finance.key),
        payload: { reason: 'recomputed' },
      })
    const first = await correct(oldId)
    t.equal(first.statusCode, 201, first.body)
    const newId = first.json().decisions.at(-1).id as string
    const second = await correct(newId)
    t.equal(second.statusCode, 201, second.body)
    const newestId = second.json().decisions.at(-1).id as string

    const trail = async (id: string) =>
      ((await get(`/v1/audit/entries?entity=decision:${id}`)).json().entries as AuditEntry[]).map((e) => [
        e.action,
        e.entity.id,
      ])
    t.same(
      await trail(oldId),
      [
        ['decision.made', oldId],
        ['decision.superseded', newId],
      ],
      'the old decision: made, then superseded (the entry filed under the decision that superseded it)',
    )
    t.same(
      await trail(newId),
      [
        ['decision.superseded', newId],
        ['decision.superseded', newestId],
      ],
      'the middle one: it superseded, and was superseded in turn',
    )
    t.same(await trail(newestId), [['decision.superseded', newestId]], 'the newest: only its own')
    const decision = (await get(`/v1/decisions/${newId}`, finance.key)).json()
    t.match(decision, { supersedes: oldId, supersededBy: newestId }, 'GET /v1/decisions/{id}: both ways')
    t.match((await get('/v1/audit/verify')).json(), { valid: true }, 'the chain is untouched')
  },
)

t.test('a tampered log, seen through the API', async (t) => {
  // As a superuser: delete entry 3.
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx)
    await trx.deleteFrom('audit_log').where('seq', '=', '3').execute()
  })
  t.match((await get('/v1/audit/verify')).json(), {
    valid: false,
    first_bad_seq: 3,
    problem: 'gap',
    checked: 2,
  })
  const checkpoint = await get('/v1/audit/checkpoint')
  t.equal(checkpoint.statusCode, 500, 'no checkpoint is certified for a broken log')
  // zh-CN by default (Accept-Language).
  t.match(checkpoint.json(), { type: '/problems/audit-log-inconsistent', detail: /缺少第 3 条审计条目/ })
  t.same(
    (await get('/v1/audit/entries?from_seq=2&to_seq=4')).json().entries.map((e: AuditEntry) => e.seq),
    [2, 4],
    'the listing shows what is stored',
  )
})
