// store_decision computes the audit entity hash of each ledger entry in SQL (the ids are the
// database's). It must be the hash the verifier recomputes in TypeScript (src/db/entities.ts) for
// any text a key or item may hold: quotes, backslashes, control characters, CJK, astral symbols.

import { sql } from 'kysely'
import t from 'tap'
import { canonicalize } from '../../src/audit/canonical-json.ts'
import { verifyAudit } from '../../src/audit/verify.ts'
import { entityHash, LEDGER_ENTRY_ENTITY_COLUMNS, ledgerEntryEntity } from '../../src/db/entities.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const AWKWARD = [
  'plain',
  'quote " and backslash \\',
  'control \u0001\u001f\b\f\n\r\t end',
  '中文项目 / slash',
  'astral 𝄞 😀',
  '\u007f delete and \u2028 separator',
]

t.test('the SQL canonical form of a ledger entry is RFC 8785, as the verifier computes it', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  // a real decision to hang the entries on
  const r = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), 'idempotency-key': 'k-1' },
    payload: deepProcessing('p-canonical', '1000000.00'),
  })
  t.equal(r.statusCode, 201)
  const decisionId = r.json().decisions[0].id as string
  for (const [i, text] of AWKWARD.entries()) {
    await sql`insert into ledger_entries (decision_id, ledger, key, kind, amount, item, period_from, period_to)
              values (${decisionId}, ${`ledger ${text}`}, ${text}, 'once', ${i % 2 ? null : '12.30'},
                      ${i % 3 ? text : null}, ${i % 2 ? '2015-01-01' : null}, ${i % 2 ? '2015-12-31' : null})`.execute(
      database.db,
    )
  }
  const rows = await database.db
    .selectFrom('ledger_entries as e')
    .select([
      ...LEDGER_ENTRY_ENTITY_COLUMNS.map((c) => `e.${c}` as const),
      sql<string>`ledger_entry_canonical(e)`.as('canonical'),
    ])
    .orderBy('e.id')
    .execute()
  t.ok(rows.length >= AWKWARD.length)
  for (const row of rows) {
    const entity = ledgerEntryEntity(row)
    t.equal(row.canonical, canonicalize(entity), `ledger entry ${row.id}`)
  }
  const hashes = await sql<{ id: string; hash: string }>`
    select id::text, encode(sha256(convert_to(ledger_entry_canonical(e), 'UTF8')), 'hex') as hash
    from ledger_entries e order by id`.execute(database.db)
  t.same(
    hashes.rows.map((h) => h.hash),
    rows.map((row) => entityHash(ledgerEntryEntity(row))),
    'and so is its hash',
  )
})

t.test('one statement writes a decision and its audit entries; the log verifies', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  for (const [i, id] of ['P "1"', 'p\\2', '项目三'].entries()) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': `k-${i}` },
      payload: deepProcessing(id, '120000000.00'),
    })
    t.equal(r.statusCode, 201, r.statusCode === 201 ? `${id} stored` : r.body)
  }
  const report = await verifyAudit(database.db)
  t.equal(report.valid, true, JSON.stringify(report.problem))
  const grants = await sql<{
    n: string
  }>`select count(*)::text as n from audit_log where action = 'ledger.granted'`.execute(database.db)
  t.equal(grants.rows[0]!.n, '3', 'one ledger.granted entry per grant')
})
