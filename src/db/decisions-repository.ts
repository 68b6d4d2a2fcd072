// Applications and their decisions: insert (never update), read, list with keyset pagination.

import { type Kysely, sql } from 'kysely'
import { canonicalize } from '../audit/canonical-json.ts'
import type { StoredRecord } from '../engine/stored-record.ts'
import { type ApplicationEntity, applicationEntity, type DecisionEntity, decisionEntity } from './entities.ts'
import type { Executor } from './executor.ts'
import { IDEMPOTENCY_TTL_HOURS, KeyTakenError } from './idempotency-repository.ts'
import type { JournalRow, StateRow, Subject } from './ledger-repository.ts'
import type { Database, ResponseReplay } from './schema.ts'
import { storeChecked } from './store-groups.ts'

export interface StoredApplication extends ApplicationEntity {
  seq: string
  createdAt: string
}

export interface StoredDecision extends DecisionEntity {
  seq: string
  decisionHash: string
  createdAt: string
  /** the decision that superseded this one, if any */
  supersededBy: string | null
}

const APPLICATION_COLUMNS = [
  'applications.id',
  'applications.seq',
  'applications.enterprise_credit_code',
  'applications.project_id',
  'applications.application_date',
  'applications.facts',
  'applications.input_hash',
  'applications.submitted_by',
  'applications.created_at',
] as const

const DECISION_COLUMNS = [
  'decisions.id',
  'decisions.seq',
  'decisions.application_id',
  'decisions.ruleset_id',
  'decisions.ruleset_version',
  'decisions.as_of',
  'decisions.total_amount',
  'decisions.evaluation',
  'decisions.parameters',
  'decisions.history',
  'decisions.supersedes',
  'decisions.correction_reason',
  'decisions.decided_by',
  'decisions.record_format',
  'decisions.decision_hash',
  'decisions.created_at',
] as const

type ApplicationRow = Parameters<typeof applicationEntity>[0] & { seq: string; created_at: Date }
type DecisionRow = Parameters<typeof decisionEntity>[0] & {
  seq: string
  decision_hash: string
  created_at: Date
}

const toApplication = (row: ApplicationRow): StoredApplication => ({
  ...applicationEntity(row),
  seq: row.seq,
  createdAt: row.created_at.toISOString(),
})

const toDecision = (row: DecisionRow, supersededBy: string | null): StoredDecision => ({
  ...decisionEntity(row),
  seq: row.seq,
  decisionHash: row.decision_hash,
  createdAt: row.created_at.toISOString(),
  supersededBy,
})

/** Another correction of the same decision committed first: `supersedes` is unique. */
export class DecisionAlreadySuperseded extends Error {
  constructor(readonly decisionId: string) {
    super(`decision ${decisionId} was already superseded`)
    this.name = 'DecisionAlreadySuperseded'
  }
}

/**
 * Throws DecisionAlreadySuperseded when a decision that supersedes `id` is committed. A correction
 * reads it under its subjects' locks, before giving back the grants of the decision it corrects:
 * two corrections of one decision sent at once both passed the route's check, and the one that
 * waited for the locks gave the grants back a second time (a project's total below zero: a 500
 * instead of 409).
 */
export const assertNotSuperseded = async (db: Executor, id: string): Promise<void> => {
  const by = await db.selectFrom('decisions').select('id').where('supersedes', '=', id).executeTakeFirst()
  if (by) throw new DecisionAlreadySuperseded(id)
}

const isSupersedesConflict = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23505' &&
  (error as { constraint?: unknown }).constraint === 'decisions_supersedes_key'

const supersededByOf = async (db: Executor, ids: readonly string[]): Promise<Map<string, string>> => {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('decisions')
    .select(['id', 'supersedes'])
    .where('supersedes', 'in', [...ids])
    .execute()
  return new Map(rows.map((r) => [r.supersedes!, r.id]))
}

export const findApplication = async (db: Executor, id: string): Promise<StoredApplication | null> => {
  const row = await db
    .selectFrom('applications')
    .select(APPLICATION_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? toApplication(row) : null
}

export const findDecision = async (db: Executor, id: string): Promise<StoredDecision | null> => {
  const row = await db
    .selectFrom('decisions')
    .select(DECISION_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) return null
  return toDecision(row, (await supersededByOf(db, [row.id])).get(row.id) ?? null)
}

/** Every decision of an application, oldest first (the first is the original, the rest corrections). */
export const decisionsOfApplication = async (
  db: Executor,
  applicationId: string,
): Promise<StoredDecision[]> => {
  const rows = await db
    .selectFrom('decisions')
    .select(DECISION_COLUMNS)
    .where('application_id', '=', applicationId)
    .orderBy('seq')
    .execute()
  const successors = await supersededByOf(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => toDecision(r, successors.get(r.id) ?? null))
}

export interface ApplicationFilter {
  enterprise?: string
  project?: string
  measure?: string
  status?: string
  /** facts /project/prefecture (index applications_prefecture) */
  prefecture?: string
  /** year of the application date */
  year?: number
  from?: string
  to?: string
  /** list only applications with seq below this (keyset cursor, newest first) */
  beforeSeq?: string
  limit: number
}

/**
 * Applications, newest first, with keyset pagination on seq. `measure` and `status` filter on the
 * current (not superseded) decision's outcomes.
 */
export const listApplications = async (db: Executor, f: ApplicationFilter): Promise<StoredApplication[]> => {
  let q = db.selectFrom('applications').select(APPLICATION_COLUMNS)
  if (f.enterprise !== undefined) q = q.where('applications.enterprise_credit_code', '=', f.enterprise)
  if (f.project !== undefined) q = q.where('applications.project_id', '=', f.project)
  if (f.from !== undefined) q = q.where('applications.application_date', '>=', f.from as never)
  if (f.to !== undefined) q = q.where('applications.application_date', '<=', f.to as never)
  if (f.prefecture !== undefined)
    // The expression of the index applications_prefecture (migration 2026-12-03T1620-grant-report).
    q = q.where(sql<string>`(applications.facts #>> '{project,prefecture}')`, '=', f.prefecture)
  if (f.year !== undefined)
    q = q
      .where('applications.application_date', '>=', `${f.year}-01-01` as never)
      .where('applications.application_date', '<=', `${f.year}-12-31` as never)
  if (f.beforeSeq !== undefined) q = q.where('applications.seq', '<', f.beforeSeq as never)
  if (f.measure !== undefined || f.status !== undefined) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('decisions as d')
          // Every outcome, the folded ineligible ones included (migration 2026-12-04T1810-lean-outcomes).
          .innerJoin('decision_outcomes_all as o', 'o.decision_id', 'd.id')
          .select(eb.lit(1).as('one'))
          .whereRef('d.application_id', '=', 'applications.id')
          .where((e) =>
            e.not(
              e.exists(
                e
                  .selectFrom('decisions as s')
                  .select(e.lit(1).as('one'))
                  .whereRef('s.supersedes', '=', 'd.id'),
              ),
            ),
          )
          .$if(f.measure !== undefined, (w) => w.where('o.measure', '=', f.measure!))
          .$if(f.status !== undefined, (w) => w.where('o.status', '=', f.status!)),
      ),
    )
  }
  const rows = await q.orderBy('applications.seq', 'desc').limit(f.limit).execute()
  return rows.map(toApplication)
}

/** The current decision of each application (the one nothing supersedes). */
export const currentDecisions = async (
  db: Executor,
  applicationIds: readonly string[],
): Promise<Map<string, StoredDecision>> => {
  if (applicationIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('decisions')
    .select(DECISION_COLUMNS)
    .where('decisions.application_id', 'in', [...applicationIds])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('decisions as s')
            .select(eb.lit(1).as('one'))
            .whereRef('s.supersedes', '=', 'decisions.id'),
        ),
      ),
    )
    .execute()
  return new Map(rows.map((r) => [r.application_id, toDecision(r, null)]))
}

/**
 * Where the decision of each application went when a correction with corrected facts superseded it
 * (the correction is a new application): that application and the decision it holds. An application
 * corrected that way has no current decision of its own.
 */
export const correctedElsewhere = async (
  db: Executor,
  applicationIds: readonly string[],
): Promise<Map<string, { applicationId: string; decisionId: string }>> => {
  if (applicationIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('decisions as d')
    .innerJoin('decisions as s', 's.supersedes', 'd.id')
    .select(['d.application_id as corrected', 's.application_id as applicationId', 's.id as decisionId'])
    .where('d.application_id', 'in', [...applicationIds])
    .whereRef('s.application_id', '<>', 'd.application_id')
    .execute()
  return new Map(rows.map((r) => [r.corrected, { applicationId: r.applicationId, decisionId: r.decisionId }]))
}

/**
 * The Idempotency-Key a stored decision claims and completes in the same statement, with the
 * response it stores (replayed byte for byte to the same request).
 */
export interface KeyCompletion {
  callerKeyId: string
  key: string
  /** what the request asks for: the same key with another hash is refused (422) */
  requestHash: string
  status: number
  /** the response body, stored as is; or (migration 2026-12-03T1700) `replay`, what it is rendered from */
  body?: string
  replay?: ResponseReplay
}

export interface DecisionWrite {
  /** a new application, stored with the decision; null when the decision is about a stored one */
  application: (ApplicationEntity & { createdAt: string }) | null
  decision: DecisionEntity & {
    decisionHash: string
    /** the compact record as stored (format 2, src/engine/stored-record.ts) */
    evaluation: StoredRecord
    recordFormat: 'compact'
    createdAt: string
  }
  /** each measure's outcome: the decision_outcomes rows */
  outcomes: { measure: string; status: string; amount: string | null }[]
  creditCode: string
  /** what the grant report groups by: the facts' prefecture (null without a project), the application date */
  report: { prefecture: string | null; applicationDate: string }
  cumulative: { ledger: string; key: string; amount: string; cap: string }[]
  once: { ledger: string; key: string; item: string; amount: string | null }[]
  days: { ledger: string; key: string; from: string; to: string }[]
  /** reversals first, then grants: the order of their audit entries */
  journal: JournalRow[]
  completion: KeyCompletion | null
  /** the audit entries before the ledger entries' (application, decision), split for audit_append */
  audit: { time: string; actor: { keyId: string; role: string }; entries: unknown[] }
}

/**
 * An outcome's amounts for the grant report, the status contract of POLICY.md §0: `eligible` is due
 * and paid its amount; `unfunded` (budget pool exhausted) is due its amount and pays nothing, all of
 * it unfunded; any other status is due nothing. Non-cash outcomes (amount null) count 0.00. The
 * backfill of migration 2026-12-03T1620-grant-report applies the same contract in SQL.
 */
export const reportAmounts = (
  status: string,
  amount: string | null,
): { amount_due: string; amount_paid: string; amount_unfunded: string } => {
  const value = amount ?? '0.00'
  if (status === 'eligible') return { amount_due: value, amount_paid: value, amount_unfunded: '0.00' }
  if (status === 'unfunded') return { amount_due: value, amount_paid: '0.00', amount_unfunded: value }
  return { amount_due: '0.00', amount_paid: '0.00', amount_unfunded: '0.00' }
}

/**
 * Writes a decision and everything it changes in one statement (store_decision, migrations of
 * 2026-12-03T1400 and T1545): the Idempotency-Key (claimed and completed at once), application,
 * decision (its compact record), outcomes, ledger grants and journal, and the audit entries. The
 * caller holds the subjects' locks. Throws KeyTakenError when another request holds or answered
 * the key: the transaction rolls back, and the caller answers from the key's row.
 */
export const storeDecisionWrite = async (trx: Executor, w: DecisionWrite): Promise<void> => {
  const d = w.decision
  try {
    await sql`select store_decision(${JSON.stringify(payloadOf(w))}::jsonb)`.execute(trx)
  } catch (error) {
    if (d.supersedes !== null && isSupersedesConflict(error))
      throw new DecisionAlreadySuperseded(d.supersedes)
    if ((error as { code?: unknown } | null)?.code === 'YI002')
      throw new KeyTakenError(w.completion?.key ?? '')
    throw error
  }
}

/** What store_decision_checked checks besides store_decision's payload. */
export interface DecisionCheck {
  /** the subjects to lock, in subjectsOf's (ledger, key) order */
  subjects: readonly Subject[]
  /** the budget keys among the application's candidates (budgetKeysOf) */
  budgets: readonly string[]
  /** md5 of the state the decision was made on (readLedgerState), in which no budget is set */
  fingerprint: string
}

/**
 * Stores a decision made on an unlocked read of the ledger, in one statement and its own transaction
 * (store_decision_checked, migration 2026-12-04T1800), grouped with others waiting to be stored when
 * the service is busy (src/db/store-groups.ts): it takes the locked path's locks in its order,
 * and calls store_decision only if the state read under them is still the one the decision was made
 * on. When it moved, nothing is written and the answer is the state as read under the locks (and its
 * fingerprint). Throws KeyTakenError as storeDecisionWrite does. Not inside a transaction: the locks
 * must be the statement's only, taken after the read.
 */
export const storeDecisionChecked = async (
  db: Kysely<Database>,
  w: DecisionWrite,
  check: DecisionCheck,
): Promise<{ stored: true } | { stored: false; state: StateRow; fingerprint: string }> => {
  try {
    const r = await storeChecked(db, { payload: JSON.stringify(payloadOf(w)), check })
    return r.stale !== undefined
      ? { stored: false, state: r.stale, fingerprint: r.fingerprint! }
      : { stored: true }
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'YI002')
      throw new KeyTakenError(w.completion?.key ?? '')
    throw error
  }
}

/** An unfunded outcome waiting in its budget's queue (POLICY.md §3). */
export interface QueuedOutcome {
  decisionId: string
  measure: string
  key: string
  amount: string
}

/**
 * Writes a batch chunk's decisions in one set-based statement (store_decisions, migration
 * 2026-12-03T1710): one insert per table for the whole chunk, the running totals in one update, and
 * the audit entries in one append — each decision stored exactly as storeDecisionWrite would store it
 * alone, in array order (seqs, journal ids and audit entries follow the rows). Only new applications
 * with no Idempotency-Key (a batch row's key is its batch_results.row_key). The caller holds the
 * locks of every subject and budget the decisions claim.
 */
export const storeDecisionWrites = async (
  trx: Executor,
  writes: readonly DecisionWrite[],
  queued: readonly QueuedOutcome[] = [],
): Promise<void> => {
  if (writes.length === 0) return
  const applications: unknown[] = []
  const decisions: unknown[] = []
  const outcomes: unknown[] = []
  const cumulative: unknown[] = []
  const once: unknown[] = []
  const days: unknown[] = []
  const entries: unknown[] = []
  const audit: unknown[] = []
  for (const w of writes) {
    if (w.application === null || w.completion !== null || w.decision.supersedes !== null)
      throw new Error('storeDecisionWrites: a batch stores new applications without an Idempotency-Key')
    const p = payloadOf(w)
    const decisionId = w.decision.id
    applications.push(p.application)
    decisions.push(p.decision)
    outcomes.push(...p.outcomes)
    cumulative.push(...p.cumulative)
    for (const o of p.once) once.push({ ...o, decision_id: decisionId, credit_code: w.creditCode })
    for (const d of p.days) days.push({ ...d, decision_id: decisionId, credit_code: w.creditCode })
    for (const e of p.entries) entries.push({ ...e, decision_id: decisionId })
    audit.push({ ...p.audit, decision_id: decisionId })
  }
  const queue = queued.map((q) => ({
    decision_id: q.decisionId,
    measure: q.measure,
    key: q.key,
    amount: q.amount,
  }))
  // One argument per table (the migration says why).
  const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`
  await sql`select store_decisions(${sql.join(
    [applications, decisions, outcomes, cumulative, once, days, entries, audit, queue].map(json),
  )})`.execute(trx)
}

/** store_decision's argument (migration 2026-12-03T1400). */
const payloadOf = (w: DecisionWrite) => {
  const d = w.decision
  return {
    application: w.application && {
      id: w.application.id,
      enterprise_credit_code: w.application.enterpriseCreditCode,
      project_id: w.application.projectId,
      application_date: w.application.applicationDate,
      facts: w.application.facts,
      input_hash: w.application.inputHash,
      submitted_by: w.application.submittedBy,
      created_at: w.application.createdAt,
    },
    decision: {
      id: d.id,
      application_id: d.applicationId,
      ruleset_id: d.ruleset.id,
      ruleset_version: d.ruleset.version,
      as_of: d.asOf,
      total_amount: d.totalAmount,
      evaluation: d.evaluation,
      record_format: d.recordFormat,
      parameters: null,
      history: d.history,
      supersedes: d.supersedes,
      correction_reason: d.correctionReason,
      decided_by: d.decidedBy,
      decision_hash: d.decisionHash,
      created_at: d.createdAt,
    },
    // One element per outcome, every column named; store_outcomes (migration 2026-12-04T1810) folds
    // the plain ineligible ones into the decision's decision_ineligible row.
    outcomes: w.outcomes.map((o) => ({
      decision_id: d.id,
      measure: o.measure,
      status: o.status,
      amount: o.amount,
      application_id: d.applicationId,
      prefecture: w.report.prefecture,
      year: Number(w.report.applicationDate.slice(0, 4)),
      application_date: w.report.applicationDate,
      ...reportAmounts(o.status, o.amount),
      current: true,
    })),
    credit_code: w.creditCode,
    cumulative: w.cumulative.map((c) => ({ ledger: c.ledger, key: c.key, total: c.amount, cap: c.cap })),
    once: w.once,
    days: w.days.map((p) => ({ ledger: p.ledger, key: p.key, from_date: p.from, to_date: p.to })),
    entries: w.journal,
    idempotency: w.completion && {
      caller_key_id: w.completion.callerKeyId,
      key: w.completion.key,
      request_hash: w.completion.requestHash,
      status: w.completion.status,
      ...(w.completion.replay ? { replay: w.completion.replay } : { body: w.completion.body }),
      ttl_hours: IDEMPOTENCY_TTL_HOURS,
    },
    audit: {
      time: w.audit.time,
      actor: canonicalize({ keyId: w.audit.actor.keyId, role: w.audit.actor.role }),
      actor_key_id: w.audit.actor.keyId,
      actor_role: w.audit.actor.role,
      entries: w.audit.entries,
    },
  }
}
