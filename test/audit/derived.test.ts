// The tables the service derives from audited rows, tampered with as a superuser would (triggers
// off, hashes untouched), are caught by the verification (src/audit/derived.ts): a running total set
// back to 0 (the next claim would pass the cap), a one-time grant or a rewarded day removed (the
// same platform, the same tax day paid again), an outcome row's amount raised (the grant report
// overstated). Every chain hash still holds in each case; before the derived check each of these
// verified as valid. Stored through the API, on PostgreSQL and PGlite.

import { sql } from 'kysely'
import t from 'tap'
import { type AuditVerification, currentCheckpoint, verifyAudit } from '../../src/audit/verify.ts'
import type { Executor } from '../../src/db/executor.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import {
  bearer,
  deepProcessing,
  ENTERPRISE_A,
  keysFor,
  platformClaim,
  startupTaxReward,
} from '../helpers/fixtures.ts'

const database = await testDatabase(t)
const app = await testApp(t, database)
const keys = await keysFor(database)
const submit = async (payload: object) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
    payload,
  })
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json()
}
const first = await submit(deepProcessing('derived', '100000000.00'))
await submit(platformClaim(ENTERPRISE_A))
await submit(startupTaxReward)
// a correction: its predecessor's grant is given back, and only the current decision counts
await app.inject({
  method: 'POST',
  url: `/v1/decisions/${first.decisions[0].id}/corrections`,
  headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
  payload: { reason: 'investment was 120 million', facts: deepProcessing('derived', '120000000.00') },
})

const ROLLBACK = new Error('rollback')
/** Tampers with triggers off (a superuser), verifies in the same transaction, rolls back. */
const tampered = async (
  tamper: (trx: Executor) => Promise<unknown>,
  options: Parameters<typeof verifyAudit>[1] = {},
): Promise<AuditVerification> => {
  let result: AuditVerification | undefined
  await database.db
    .transaction()
    .execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await tamper(trx)
      result = await verifyAudit(trx, options)
      throw ROLLBACK
    })
    .catch((error) => {
      if (error !== ROLLBACK) throw error
    })
  return result!
}

t.test('as stored: valid, every derived row checked', async (t) => {
  const result = await verifyAudit(database.db)
  t.match(result, { valid: true, problem: null, derived: { mismatches: [] } })
  t.ok(result.derived!.checked.decisions >= 4, `${result.derived!.checked.decisions} decisions checked`)
  t.ok(result.derived!.checked.subjects >= 2, `${result.derived!.checked.subjects} subjects checked`)
})

t.test('a running total set back: the journal of the current decisions says otherwise', async (t) => {
  const result = await tampered((trx) =>
    sql`update ledger_subjects set total = 0 where ledger = 'interest-subsidy'`.execute(trx),
  )
  t.match(result, {
    valid: false,
    first_bad_seq: null,
    problem: 'derived-state-mismatch',
    expected: '7200000.00',
    actual: /^ledger_subjects interest-subsidy .*DERIVED.*: 0\.00$/,
  })
  t.match(result.derived!.mismatches, [
    { table: 'ledger_subjects', row: /DERIVED/, expected: '7200000.00', actual: '0.00' },
  ])
})

t.test('with a checkpoint: the log is proven to extend it, and the derived state still fails', async (t) => {
  const now = await currentCheckpoint(database.db)
  if (!now.ok) throw new Error(now.detail.en)
  const { size, root, head_hash } = now.checkpoint
  const result = await tampered(
    (trx) => sql`update ledger_subjects set total = 0 where ledger = 'interest-subsidy'`.execute(trx),
    { checkpoint: { size, root, head_hash } },
  )
  t.match(result, {
    valid: false,
    problem: 'derived-state-mismatch',
    checkpoint: { consistent: true, current: { size } },
  })
})

t.test('a running total deleted: missing', async (t) => {
  const result = await tampered((trx) =>
    sql`delete from ledger_subjects where ledger = 'interest-subsidy'`.execute(trx),
  )
  t.match(result.derived!.mismatches, [
    { table: 'ledger_subjects', expected: '7200000.00', actual: 'missing' },
  ])
})

t.test('a one-time grant removed: the platform could be paid again', async (t) => {
  const result = await tampered((trx) =>
    sql`delete from ledger_once where ledger = 'rd-platform-grant'`.execute(trx),
  )
  t.match(result, { valid: false, problem: 'derived-state-mismatch' })
  t.match(result.derived!.mismatches, [
    { table: 'ledger_once', row: 'rd-platform-grant NERC-RARE-METALS national', actual: 'missing' },
  ])
})

t.test('rewarded days removed: the same tax days could be paid again', async (t) => {
  const result = await tampered((trx) => sql`delete from ledger_periods`.execute(trx))
  t.match(result, { valid: false, problem: 'derived-state-mismatch' })
  t.ok(
    result.derived!.mismatches.length > 0 &&
      result.derived!.mismatches.every((m) => m.table === 'ledger_periods'),
    'each rewarded period named',
  )
})

t.test("an outcome row's amount raised: the grant report would overstate", async (t) => {
  const result = await tampered((trx) =>
    sql`update decision_outcomes set amount = 9200000.00, amount_due = 9200000.00, amount_paid = 9200000.00
        where measure = 'interest-subsidy' and current`.execute(trx),
  )
  t.match(result, { valid: false, problem: 'derived-state-mismatch' })
  t.match(result.derived!.mismatches, [
    {
      table: 'decision_outcomes',
      row: / interest-subsidy$/,
      expected: /"eligible","7200000\.00"/,
      actual: /"eligible","9200000\.00"/,
    },
  ])
})

t.test('an outcome row removed, or a superseded one made current', async (t) => {
  const removed = await tampered((trx) =>
    sql`delete from decision_outcomes where measure = 'rd-platform-grant'`.execute(trx),
  )
  t.match(removed.derived!.mismatches, [{ table: 'decision_outcomes', actual: 'missing' }])
  const superseded = await tampered((trx) =>
    sql`update decision_outcomes set current = true where not current`.execute(trx),
  )
  t.match(superseded.derived!.mismatches, [
    { table: 'decision_outcomes', expected: /false\]$/, actual: /true\]$/ },
  ])
})

t.test('a range that stops before the head does not check derived state', async (t) => {
  const result = await tampered((trx) => sql`update ledger_subjects set total = 0`.execute(trx))
  t.equal(result.valid, false)
  const head = Number(
    (await database.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq,
  )
  const partial = await verifyAudit(database.db, { toSeq: head - 1 })
  t.match(partial, { valid: true })
  t.equal(partial.derived, undefined)
})
