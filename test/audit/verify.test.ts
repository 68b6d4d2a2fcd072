// Verifying the stored audit log: a chain written the way the service writes it (API keys created
// and revoked through the keys repository, applications, decisions and ledger entries with the
// entity hashes of their real rows), then tampered with as a database superuser. Each kind of
// tampering is found at the exact first bad seq; forged checkpoints are rejected; the log's table
// refuses UPDATE, DELETE and TRUNCATE; and `npm run audit:verify` says the same from outside.
// Each tampering runs in a transaction that is rolled back, so every test starts from the same log.

import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import t from 'tap'
import { GENESIS_HASH, nextEntry } from '../../src/audit/chain.ts'
import {
  type Checkpoint,
  consistencyProof,
  merkleRoot,
  verifyCheckpointConsistency,
} from '../../src/audit/merkle.ts'
import {
  type AuditVerification,
  consistencyProofRanges,
  currentCheckpoint,
  MerkleAccumulator,
  parseCheckpoint,
  verifyAudit,
} from '../../src/audit/verify.ts'
import type { Caller } from '../../src/auth/api-keys.ts'
import { appendAudit, readRange } from '../../src/db/audit-repository.ts'
import {
  APPLICATION_ENTITY_COLUMNS,
  applicationEntity,
  DECISION_ENTITY_COLUMNS,
  decisionEntity,
  entityHash,
  LEDGER_ENTRY_ENTITY_COLUMNS,
  ledgerEntryEntity,
} from '../../src/db/entities.ts'
import type { Executor } from '../../src/db/executor.ts'
import { createApiKey, revokeApiKey } from '../../src/db/keys-repository.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'

const execFileAsync = promisify(execFile)
/** A hash as stored in audit_log and audit_head (bytea, migration 2026-12-04T1850) from its hex. */
const bytes = (hex: string): Buffer => Buffer.from(hex, 'hex')
const ROOT = join(import.meta.dirname, '..', '..')

/** One bit of a hex hash flipped. */
const flipBit = (hex: string, bit = 0): string => {
  const bytes = Buffer.from(hex, 'hex')
  bytes[Math.floor(bit / 8)]! ^= 1 << (bit % 8)
  return bytes.toString('hex')
}

// ---------------------------------------------------------------------------------------------
// The stored log.

const database = await testDatabase(t)
const db = database.db

interface Log {
  /** seq of each named entry */
  seq: Record<string, number>
  size: number
  adminKeyId: string
  revokedKeyId: string
  decisionId: string
  ledgerEntryId: string
}

const seed = async (db: Executor): Promise<Log> => {
  const seq: Record<string, number> = {}
  const lastSeq = async () =>
    Number((await db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq)
  const admin = await createApiKey(db, { role: 'admin', label: 'first admin' }, 'system')
  seq['admin'] = await lastSeq()
  const caller: Caller = { keyId: admin.record.id, role: 'admin', enterprise: null }
  const keys = []
  for (const [i, role] of (['auditor', 'finance', 'enterprise', 'auditor'] as const).entries()) {
    keys.push(
      await createApiKey(
        db,
        { role, label: `key ${i}`, enterprise: role === 'enterprise' ? '91530100MA0000000X' : null },
        caller,
      ),
    )
    seq[`key${i}`] = await lastSeq()
  }
  await revokeApiKey(db, keys[0]!.record.id, caller)
  seq['revoked'] = await lastSeq()

  const actor = { keyId: admin.record.id, role: 'admin' }
  const time = () => new Date().toISOString()
  const application = await db
    .insertInto('applications')
    .values({
      id: randomUUID(),
      enterprise_credit_code: '91530100MA0000000X',
      project_id: 'P-1',
      application_date: '2015-06-01',
      facts: JSON.stringify({ investment: '120000000.00', county: '530102' }),
      input_hash: 'c'.repeat(64),
      submitted_by: admin.record.id,
    })
    .returning(APPLICATION_ENTITY_COLUMNS)
    .executeTakeFirstOrThrow()
  seq['application'] = await appendAudit(db, [
    {
      time: time(),
      actor,
      action: 'application.created',
      entity: { type: 'application', id: application.id },
      entity_hash: entityHash(applicationEntity(application)),
    },
  ])
  const decision = await db
    .insertInto('decisions')
    .values({
      id: randomUUID(),
      application_id: application.id,
      ruleset_id: 'yunnan-2014',
      ruleset_version: '1',
      as_of: '2015-06-01',
      total_amount: '1500000.00',
      evaluation: JSON.stringify({
        outcomes: [{ measure: 'interest-subsidy', status: 'eligible', amount: '1500000.00' }],
      }),
      parameters: JSON.stringify({}),
      history: JSON.stringify([]),
      supersedes: null,
      correction_reason: null,
      decided_by: admin.record.id,
      decision_hash: 'd'.repeat(64),
    })
    .returning(DECISION_ENTITY_COLUMNS)
    .executeTakeFirstOrThrow()
  const ledgerEntry = await db
    .insertInto('ledger_entries')
    .values({
      decision_id: decision.id,
      ledger: 'interest-subsidy',
      key: 'P-1',
      kind: 'cumulative',
      amount: '1500000.00',
    })
    .returning(LEDGER_ENTRY_ENTITY_COLUMNS)
    .executeTakeFirstOrThrow()
  // What the service derives from them (src/audit/derived.ts), as a decision of before 2026-12-03
  // reads after that day's migration: the running total under (credit code, project id), the
  // outcome row with the grant report's amounts.
  await db
    .insertInto('ledger_subjects')
    .values({
      ledger: 'interest-subsidy',
      key: '["91530100MA0000000X","P-1"]',
      total: '1500000.00',
      cap: null,
    })
    .execute()
  await db
    .insertInto('decision_outcomes')
    .values({
      decision_id: decision.id,
      measure: 'interest-subsidy',
      status: 'eligible',
      amount: '1500000.00',
      application_id: application.id,
      prefecture: null,
      year: 2015,
      application_date: '2015-06-01',
      amount_due: '1500000.00',
      amount_paid: '1500000.00',
      amount_unfunded: '0.00',
      current: true,
    })
    .execute()
  // A decision and its ledger movement are audited together, in one append.
  seq['ledger-entry'] = await appendAudit(db, [
    {
      time: time(),
      actor,
      action: 'decision.created',
      entity: { type: 'decision', id: decision.id },
      entity_hash: entityHash(decisionEntity(decision)),
    },
    {
      time: time(),
      actor,
      action: 'ledger-entry.created',
      entity: { type: 'ledger-entry', id: String(ledgerEntry.id) },
      entity_hash: entityHash(ledgerEntryEntity(ledgerEntry)),
    },
  ])
  seq['decision'] = seq['ledger-entry'] - 1
  for (let i = 0; i < 3; i++) {
    await createApiKey(db, { role: 'auditor', label: `late ${i}` }, caller)
    seq[`late${i}`] = await lastSeq()
  }
  return {
    seq,
    size: await lastSeq(),
    adminKeyId: admin.record.id,
    revokedKeyId: keys[0]!.record.id,
    decisionId: decision.id,
    ledgerEntryId: String(ledgerEntry.id),
  }
}

const log = await seed(db)
const checkpointNow = async (): Promise<Checkpoint & { head_seq: number }> => {
  const result = await currentCheckpoint(db)
  if (!result.ok) throw new Error(result.detail.en)
  return result.checkpoint
}
const original = await checkpointNow()

const ROLLBACK = new Error('rollback')
/**
 * Tampers as a superuser would (triggers off for this transaction only), verifies inside the same
 * transaction, then rolls everything back.
 */
const tampered = async (
  tamper: (trx: Executor) => Promise<unknown>,
  options: Parameters<typeof verifyAudit>[1] = {},
): Promise<AuditVerification> => {
  let result: AuditVerification | undefined
  await db
    .transaction()
    .execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await tamper(trx)
      result = await verifyAudit(trx, options)
      throw ROLLBACK
    })
    .catch((err) => {
      if (err !== ROLLBACK) throw err
    })
  return result!
}

const MIDDLE = 5

// Subtests are registered only after every top-level await: tap ends the file once its queue of
// subtests runs dry.

const leaves = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => Buffer.alloc(32, i + 1).toString('hex'))

t.test('MerkleAccumulator gives the RFC 6962 root of merkle.ts for every size', async (t) => {
  const sizes = Array.from({ length: 71 }, (_, n) => n)
  const streamed = sizes.map((n) => {
    const acc = new MerkleAccumulator()
    for (const leaf of leaves(n)) acc.push(leaf)
    return [acc.size, acc.root()]
  })
  t.same(
    streamed,
    sizes.map((n) => [n, merkleRoot(leaves(n))]),
    'sizes 0 to 70',
  )
})

t.test('consistency proofs computed from streamed ranges equal merkle.ts consistencyProof', async (t) => {
  const streamed: string[][] = []
  const expected: string[][] = []
  for (let n = 1; n <= 33; n++) {
    const all = leaves(n)
    for (let m = 0; m <= n; m++) {
      streamed.push(consistencyProofRanges(m, n).map(([start, end]) => merkleRoot(all.slice(start, end))))
      expected.push(consistencyProof(m, all))
    }
  }
  t.same(streamed, expected, 'PROOF(m, D[n]) for 0 ≤ m ≤ n ≤ 33')
})

t.test('parseCheckpoint names the bad field', async (t) => {
  const ok = { size: 3, root: 'a'.repeat(64), head_hash: 'b'.repeat(64) }
  t.same(parseCheckpoint({ ...ok, head_seq: 3 }), ok, 'extra fields (head_seq) are dropped')
  t.throws(() => parseCheckpoint(null), /checkpoint: must be an object/)
  t.throws(() => parseCheckpoint({ ...ok, size: -1 }), /checkpoint\.size/)
  t.throws(() => parseCheckpoint({ ...ok, size: '3' }), /checkpoint\.size/)
  t.throws(() => parseCheckpoint({ ...ok, root: 'A'.repeat(64) }), /checkpoint\.root/)
  t.throws(() => parseCheckpoint({ ...ok, head_hash: 'b'.repeat(63) }), /checkpoint\.head_hash/)
})

t.test('the log as written verifies, in one batch or many', async (t) => {
  t.ok(log.size >= 12, `the seeded log has ${log.size} entries`)
  t.equal(original.size, log.size)
  for (const batchSize of [5_000, 3, 1]) {
    t.same(
      await verifyAudit(db, { batchSize }),
      {
        valid: true,
        checked: log.size,
        from_seq: 1,
        to_seq: log.size,
        first_bad_seq: null,
        expected: null,
        actual: null,
        problem: null,
        derived: { checked: { subjects: 1, decisions: 1 }, mismatches: [] },
      },
      `batch size ${batchSize}`,
    )
  }
  t.match(await verifyAudit(db, { fromSeq: 4, toSeq: 9 }), {
    valid: true,
    checked: 6,
    from_seq: 4,
    to_seq: 9,
  })
  t.match(await verifyAudit(db, { fromSeq: log.size + 5 }), { valid: true, checked: 0 }, 'past the head')
  t.match(
    await verifyAudit(db, { toSeq: log.size + 5 }),
    { valid: true, to_seq: log.size },
    'clamped to head',
  )
})

t.test('altering one field of an entry: first_bad_seq is that entry', async (t) => {
  for (const [column, value] of [
    ['action', 'api-key.deleted'],
    ['actor_role', 'auditor'],
    ['at', '2030-01-01T00:00:00.000Z'],
    ['entity_hash', bytes('e'.repeat(64))],
  ] as const) {
    for (const batchSize of [5_000, 2]) {
      const result = await tampered(
        (trx) =>
          trx
            .updateTable('audit_log')
            .set({ [column]: value })
            .where('seq', '=', String(MIDDLE))
            .execute(),
        { batchSize },
      )
      t.match(
        result,
        { valid: false, first_bad_seq: MIDDLE, checked: MIDDLE - 1, problem: 'entry-hash-mismatch' },
        `${column}, batch size ${batchSize}`,
      )
    }
  }
  t.match(
    await tampered((trx) =>
      trx
        .updateTable('audit_log')
        .set({ prev_hash: bytes(GENESIS_HASH) })
        .where('seq', '=', String(MIDDLE))
        .execute(),
    ),
    { valid: false, first_bad_seq: MIDDLE, problem: 'prev-hash-mismatch' },
    'prev_hash',
  )
  t.match(
    await tampered((trx) =>
      trx.updateTable('audit_log').set({ action: 'x' }).where('seq', '=', '1').execute(),
    ),
    { valid: false, first_bad_seq: 1, checked: 0 },
    'the very first entry',
  )
  t.match(
    await tampered(
      (trx) => trx.updateTable('audit_log').set({ action: 'x' }).where('seq', '=', String(MIDDLE)).execute(),
      { fromSeq: MIDDLE + 1 },
    ),
    { valid: true, from_seq: MIDDLE + 1 },
    'a range after the altered entry does not include it',
  )
})

t.test('deleting an entry in the middle: first_bad_seq is the deleted seq', async (t) => {
  for (const batchSize of [5_000, 4, 1]) {
    // With batch size 4, the deleted entry 5 would have been the first of the second batch.
    const result = await tampered(
      (trx) => trx.deleteFrom('audit_log').where('seq', '=', String(MIDDLE)).execute(),
      { batchSize },
    )
    t.match(
      result,
      { valid: false, first_bad_seq: MIDDLE, checked: MIDDLE - 1, problem: 'gap', expected: String(MIDDLE) },
      `batch size ${batchSize}`,
    )
  }
  t.match(
    await tampered((trx) => trx.deleteFrom('audit_log').where('seq', '=', String(MIDDLE)).execute(), {
      fromSeq: MIDDLE + 1,
    }),
    { valid: false, first_bad_seq: MIDDLE, problem: 'gap' },
    'a range starting just after it cannot be anchored either',
  )
})

t.test('swapping two entries: first_bad_seq is the first of the two', async (t) => {
  const swapSeqs = async (trx: Executor) => {
    // seq is the primary key: move one out of the way first.
    await trx
      .updateTable('audit_log')
      .set({ seq: '999999' } as never)
      .where('seq', '=', String(MIDDLE))
      .execute()
    await trx
      .updateTable('audit_log')
      .set({ seq: String(MIDDLE) } as never)
      .where('seq', '=', String(MIDDLE + 1))
      .execute()
    await trx
      .updateTable('audit_log')
      .set({ seq: String(MIDDLE + 1) } as never)
      .where('seq', '=', '999999')
      .execute()
  }
  t.match(await tampered(swapSeqs), { valid: false, first_bad_seq: MIDDLE, problem: 'prev-hash-mismatch' })
  t.match(
    await tampered(swapSeqs, { batchSize: MIDDLE }),
    { valid: false, first_bad_seq: MIDDLE },
    'across batches',
  )

  const swapContents = async (trx: Executor) => {
    // The same, keeping each seq and exchanging every other column.
    const [a, b] = await Promise.all(
      [MIDDLE, MIDDLE + 1].map((s) =>
        trx.selectFrom('audit_log').selectAll().where('seq', '=', String(s)).executeTakeFirstOrThrow(),
      ),
    )
    const contents = ({ seq: _seq, ...rest }: typeof a & object) => rest
    await trx
      .updateTable('audit_log')
      .set({ entry_hash: Buffer.from('tmp') })
      .where('seq', '=', String(MIDDLE))
      .execute()
    await trx
      .updateTable('audit_log')
      .set(contents(a!))
      .where('seq', '=', String(MIDDLE + 1))
      .execute()
    await trx.updateTable('audit_log').set(contents(b!)).where('seq', '=', String(MIDDLE)).execute()
  }
  t.match(await tampered(swapContents), {
    valid: false,
    first_bad_seq: MIDDLE,
    problem: 'prev-hash-mismatch',
  })
})

t.test('truncating the tail', async (t) => {
  const keep = log.size - 3
  const cut = (trx: Executor) => trx.deleteFrom('audit_log').where('seq', '>', String(keep)).execute()
  t.match(
    await tampered(cut),
    { valid: false, first_bad_seq: keep + 1, problem: 'truncated', expected: String(log.size) },
    'the head row still says how long the log was',
  )
  const cutAndRollBackHead = async (trx: Executor) => {
    const last = await trx
      .selectFrom('audit_log')
      .select('entry_hash')
      .where('seq', '=', String(keep))
      .executeTakeFirstOrThrow()
    await cut(trx)
    await trx
      .updateTable('audit_head')
      .set({ seq: String(keep), hash: last.entry_hash })
      .execute()
  }
  t.match(
    await tampered(cutAndRollBackHead),
    { valid: true, checked: keep },
    'a careful superuser who also rolls the head back leaves a consistent, shorter log…',
  )
  const result = await tampered(cutAndRollBackHead, { checkpoint: original })
  t.match(
    result,
    {
      valid: false,
      first_bad_seq: keep + 1,
      problem: 'truncated',
      to_seq: log.size,
      checkpoint: { consistent: false, size: log.size, current: null, consistency_proof: null },
    },
    '…which a checkpoint of the old length catches',
  )
})

t.test('rewriting the chain from some entry with fresh hashes', async (t) => {
  // The strongest attack on a hash chain: alter entry k and recompute every later hash and the head.
  const rewrite = async (trx: Executor) => {
    let prev = { seq: MIDDLE - 1, entry_hash: '' }
    for await (const batch of readRange(trx, MIDDLE - 1, log.size)) {
      for (const entry of batch) {
        if (entry.seq === MIDDLE - 1) {
          prev = entry
          continue
        }
        const input = { ...entry, action: entry.seq === MIDDLE ? 'api-key.rewritten' : entry.action }
        const next = nextEntry(prev, input)
        await trx
          .updateTable('audit_log')
          .set({ action: next.action, prev_hash: bytes(next.prev_hash), entry_hash: bytes(next.entry_hash) })
          .where('seq', '=', String(entry.seq))
          .execute()
        prev = next
      }
    }
    await trx
      .updateTable('audit_head')
      .set({ hash: bytes(prev.entry_hash) })
      .execute()
  }
  t.match(await tampered(rewrite), { valid: true }, 'is internally consistent…')
  const result = await tampered(rewrite, { checkpoint: original })
  t.match(
    result,
    {
      valid: false,
      first_bad_seq: log.size,
      problem: 'checkpoint-mismatch',
      checkpoint: { consistent: false },
    },
    '…but not the checkpoint an auditor kept',
  )
})

t.test('the head row must match the last entry', async (t) => {
  t.match(
    await tampered((trx) =>
      trx
        .updateTable('audit_head')
        .set({ hash: bytes('f'.repeat(64)) })
        .execute(),
    ),
    { valid: false, first_bad_seq: log.size, problem: 'head-mismatch', expected: 'f'.repeat(64) },
  )
})

t.test('altering a stored entity: mismatch at its latest entry', async (t) => {
  t.match(
    await tampered((trx) =>
      trx
        .updateTable('decisions')
        .set({ total_amount: '1500001.00' })
        .where('id', '=', log.decisionId)
        .execute(),
    ),
    { valid: false, first_bad_seq: log.seq['decision'], problem: 'entity-hash-mismatch' },
    'one amount in a stored decision',
  )
  t.match(
    await tampered((trx) =>
      trx.updateTable('api_keys').set({ label: 'renamed' }).where('id', '=', log.adminKeyId).execute(),
    ),
    { valid: false, first_bad_seq: log.seq['admin'], problem: 'entity-hash-mismatch' },
    'an API key label',
  )
  t.match(
    await tampered((trx) =>
      trx.updateTable('api_keys').set({ label: 'renamed' }).where('id', '=', log.revokedKeyId).execute(),
    ),
    { valid: false, first_bad_seq: log.seq['revoked'], problem: 'entity-hash-mismatch' },
    'a revoked key: compared at its revocation, its latest entry, not at its creation',
  )
  t.match(
    await tampered((trx) =>
      trx
        .updateTable('api_keys')
        .set({ revoked_at: null } as never)
        .where('id', '=', log.revokedKeyId)
        .execute(),
    ),
    { valid: false, first_bad_seq: log.seq['revoked'], problem: 'entity-hash-mismatch' },
    'un-revoking a key',
  )
  t.match(
    await tampered((trx) =>
      trx
        .deleteFrom('ledger_entries')
        .where('id', '=', log.ledgerEntryId as never)
        .execute(),
    ),
    {
      valid: false,
      first_bad_seq: log.seq['ledger-entry'],
      problem: 'entity-hash-mismatch',
      actual: 'missing',
    },
    'a deleted ledger entry',
  )
  t.match(
    await tampered(
      (trx) =>
        trx.updateTable('api_keys').set({ label: 'renamed' }).where('id', '=', log.adminKeyId).execute(),
      { fromSeq: log.seq['admin']! + 1 },
    ),
    { valid: true },
    'outside the range verified, an entity is not compared',
  )
  t.match(
    await tampered(async (trx) => {
      await trx.updateTable('api_keys').set({ label: 'renamed' }).where('id', '=', log.adminKeyId).execute()
      await trx
        .updateTable('audit_log')
        .set({ action: 'x' })
        .where('seq', '=', String(log.seq['late0']))
        .execute()
    }),
    { first_bad_seq: log.seq['admin'] },
    'the earliest problem wins',
  )
})

t.test('checkpoints: the log only grew since; forged ones are rejected', async (t) => {
  const before = await checkpointNow()
  t.equal(before.head_seq, before.size)
  const leavesBefore: string[] = []
  for await (const batch of readRange(db, 1, before.size))
    leavesBefore.push(...batch.map((e) => e.entry_hash))
  t.equal(before.root, merkleRoot(leavesBefore), 'the root is merkle.ts merkleRoot over the entry hashes')
  t.equal(before.head_hash, leavesBefore.at(-1))

  t.match(await verifyAudit(db, { checkpoint: before }), {
    valid: true,
    checkpoint: {
      consistent: true,
      current: { size: before.size, root: before.root },
      consistency_proof: [],
    },
  })

  // The log grows; the old checkpoint still holds, with a proof an auditor checks without us.
  const admin: Caller = { keyId: log.adminKeyId, role: 'admin', enterprise: null }
  for (let i = 0; i < 5; i++) await createApiKey(db, { role: 'finance', label: `grown ${i}` }, admin)
  const after = await checkpointNow()
  t.equal(after.size, before.size + 5)
  for (const batchSize of [5_000, 3]) {
    const grown = await verifyAudit(db, { checkpoint: before, batchSize, fromSeq: 7 })
    t.match(grown, { valid: true, from_seq: 1, to_seq: after.size, checked: after.size }, 'starts at seq 1')
    const report = grown.checkpoint!
    t.equal(report.consistent, true)
    t.same(report.current, { size: after.size, root: after.root, head_hash: after.head_hash })
    const leavesAfter: string[] = []
    for await (const batch of readRange(db, 1, after.size))
      leavesAfter.push(...batch.map((e) => e.entry_hash))
    t.same(report.consistency_proof, consistencyProof(before.size, leavesAfter))
    t.ok(verifyCheckpointConsistency(before, report.current!, report.consistency_proof!), 'RFC 9162 check')
  }

  const forged: [string, Checkpoint, object][] = [
    [
      'one flipped bit of the root',
      { ...before, root: flipBit(before.root, 77) },
      { first_bad_seq: before.size, problem: 'checkpoint-mismatch' },
    ],
    [
      'one flipped bit of the head hash',
      { ...before, head_hash: flipBit(before.head_hash, 3) },
      { first_bad_seq: before.size, problem: 'checkpoint-mismatch' },
    ],
    [
      'a size one short',
      { ...before, size: before.size - 1 },
      { first_bad_seq: before.size - 1, problem: 'checkpoint-mismatch' },
    ],
    [
      'a size one too long (within the log)',
      { ...before, size: before.size + 1 },
      { first_bad_seq: before.size + 1, problem: 'checkpoint-mismatch' },
    ],
    [
      'a size longer than the log',
      { ...after, size: after.size + 1 },
      { first_bad_seq: after.size + 1, problem: 'truncated' },
    ],
    [
      'size 0 with a non-empty root',
      { ...before, size: 0 },
      { first_bad_seq: 0, problem: 'checkpoint-mismatch' },
    ],
  ]
  for (const [what, checkpoint, expected] of forged) {
    const result = await verifyAudit(db, { checkpoint })
    t.match(result, { valid: false, ...expected, checkpoint: { consistent: false, current: null } }, what)
  }
  t.match(
    await verifyAudit(db, { checkpoint: before, toSeq: 3 }),
    { valid: true, to_seq: before.size },
    'and reaches at least the checkpoint',
  )
  await t.rejects(verifyAudit(db, { checkpoint: { ...before, root: 'nope' } }), /checkpoint\.root/)
})

t.test('the audit table refuses UPDATE, DELETE and TRUNCATE', async (t) => {
  const refused = { code: '42501', message: /append-only/ }
  await t.rejects(
    db.updateTable('audit_log').set({ action: 'x' }).where('seq', '=', '1').execute(),
    refused,
    'UPDATE',
  )
  await t.rejects(db.deleteFrom('audit_log').where('seq', '=', '1').execute(), refused, 'DELETE')
  await t.rejects(sql`truncate audit_log`.execute(db), refused, 'TRUNCATE')
  t.match(await verifyAudit(db), { valid: true }, 'and the log is untouched')

  // A role granted UPDATE, DELETE and TRUNCATE outright, but neither owner nor superuser (as the
  // service's role is): the triggers still refuse, and it cannot switch them off.
  await t.rejects(
    db.transaction().execute(async (trx) => {
      // Roles are cluster-wide: a name of its own, and rolled back with everything else.
      const role = sql.id(`audit_test_${randomUUID().slice(0, 8)}`)
      await sql`create role ${role} nologin`.execute(trx)
      await sql`grant select, insert, update, delete, truncate on audit_log to ${role}`.execute(trx)
      await sql`set local role ${role}`.execute(trx)
      await sql`savepoint s`.execute(trx)
      for (const statement of [
        sql`update audit_log set action = 'x' where seq = 1`,
        sql`delete from audit_log where seq = 1`,
        sql`truncate audit_log`,
        sql`alter table audit_log disable trigger user`,
        sql`set session_replication_role = replica`,
      ]) {
        await t.rejects(statement.execute(trx), { code: /^42/ }, statement.compile(trx).sql)
        await sql`rollback to savepoint s`.execute(trx)
      }
      throw ROLLBACK
    }),
    ROLLBACK,
    'a role that is neither owner nor superuser is refused as well (all rolled back)',
  )
})

t.test('npm run audit:verify: the same verdict from outside the service', async (t) => {
  if (!requirePostgres(t, 'the offline verifier (another process must open the database)')) return
  // A plain process, as an auditor runs it: without tap's coverage hooks (and much faster).
  const childEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS_')),
  )
  childEnv['DATABASE_URL'] = ''
  const run = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await execFileAsync(
        process.execPath,
        ['--import', 'tsx', 'scripts/audit-verify.ts', ...args],
        { cwd: ROOT, env: childEnv },
      )
      return { code: 0, stdout, stderr }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }
  const url = database.location
  const checkpoint = await checkpointNow()
  const dir = t.testdir({})
  // With no arguments the verifier opens DATA_DIR (./data by default): point it at a directory with
  // no database, so a checkout where `npm start` already made ./data still sees "no database".
  childEnv['DATA_DIR'] = join(dir, 'no-data')
  const file = join(dir, 'checkpoint.json')
  await writeFile(file, JSON.stringify(checkpoint))

  const forged = join(dir, 'forged.json')
  await writeFile(forged, JSON.stringify({ ...checkpoint, root: flipBit(checkpoint.root) }))
  // Several processes at once: each start loads tsx and the database drivers.
  const [ok, range, rejected] = await Promise.all([
    run('--database-url', url, '--checkpoint', file),
    run('--database-url', url, '--from-seq', '2', '--to-seq', '4'),
    run('--database-url', url, '--checkpoint', forged),
  ])
  t.equal(ok.code, 0, ok.stderr)
  t.match(JSON.parse(ok.stdout), { valid: true, checked: checkpoint.size, checkpoint: { consistent: true } })
  t.equal(range.code, 0)
  t.match(JSON.parse(range.stdout), { valid: true, checked: 3 })
  t.equal(rejected.code, 1, 'a forged checkpoint: exit 1')
  t.match(JSON.parse(rejected.stdout), { valid: false, checkpoint: { consistent: false } })

  const usageErrors = [
    ['--database-url', url, '--from-seq', 'x'],
    ['--database-url', url, '--nonsense'],
    ['--database-url', url, '--checkpoint', join(dir, 'absent.json')],
    [],
  ]
  const usages = await Promise.all(usageErrors.map((args) => run(...args)))
  for (const [i, usage] of usages.entries()) {
    t.equal(usage.code, 2, `usage error: ${usageErrors[i]!.join(' ') || '(no database)'}`)
    t.match(usage.stderr, /usage: npm run audit:verify/)
  }

  // Committed tampering, as a superuser: delete an entry in the middle.
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx)
    await trx.deleteFrom('audit_log').where('seq', '=', String(MIDDLE)).execute()
  })
  const bad = await run('--database-url', url)
  t.equal(bad.code, 1, 'tampered: exit 1')
  t.match(JSON.parse(bad.stdout), { valid: false, first_bad_seq: MIDDLE, problem: 'gap' })
})
