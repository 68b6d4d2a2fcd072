// Applications and their decisions: insert (never update), read, list with keyset pagination.

import type { Evaluation } from '../engine/types.ts'
import { type ApplicationEntity, applicationEntity, type DecisionEntity, decisionEntity } from './entities.ts'
import type { Executor } from './executor.ts'

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

export const insertApplication = async (trx: Executor, a: ApplicationEntity): Promise<StoredApplication> => {
  // Only what the database adds comes back: the facts are not sent back and parsed again.
  const row = await trx
    .insertInto('applications')
    .values({
      id: a.id,
      enterprise_credit_code: a.enterpriseCreditCode,
      project_id: a.projectId,
      application_date: a.applicationDate,
      facts: JSON.stringify(a.facts),
      input_hash: a.inputHash,
      submitted_by: a.submittedBy,
    })
    .returning(['seq', 'created_at'])
    .executeTakeFirstOrThrow()
  return { ...a, seq: row.seq, createdAt: row.created_at.toISOString() }
}

/** Another correction of the same decision committed first: `supersedes` is unique. */
export class DecisionAlreadySuperseded extends Error {
  constructor(readonly decisionId: string) {
    super(`decision ${decisionId} was already superseded`)
    this.name = 'DecisionAlreadySuperseded'
  }
}

const isSupersedesConflict = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23505' &&
  (error as { constraint?: unknown }).constraint === 'decisions_supersedes_key'

export const insertDecision = async (
  trx: Executor,
  d: DecisionEntity & { decisionHash: string; evaluation: Evaluation },
): Promise<StoredDecision> => {
  const row = await trx
    .insertInto('decisions')
    .values({
      id: d.id,
      application_id: d.applicationId,
      ruleset_id: d.ruleset.id,
      ruleset_version: d.ruleset.version,
      as_of: d.asOf,
      total_amount: d.totalAmount,
      evaluation: JSON.stringify(d.evaluation),
      parameters: JSON.stringify(d.parameters),
      history: JSON.stringify(d.history),
      supersedes: d.supersedes,
      correction_reason: d.correctionReason,
      decided_by: d.decidedBy,
      decision_hash: d.decisionHash,
    })
    .returning(['seq', 'created_at'])
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      // Two corrections of one decision at once: the unique `supersedes` lets one win.
      if (d.supersedes !== null && isSupersedesConflict(error))
        throw new DecisionAlreadySuperseded(d.supersedes)
      throw error
    })
  const outcomes = d.evaluation.outcomes
  if (outcomes.length > 0) {
    await trx
      .insertInto('decision_outcomes')
      .values(
        outcomes.map((o) => ({ decision_id: d.id, measure: o.measure, status: o.status, amount: o.amount })),
      )
      .execute()
  }
  const { decisionHash, ...entity } = d
  return {
    ...entity,
    seq: row.seq,
    decisionHash,
    createdAt: row.created_at.toISOString(),
    supersededBy: null,
  }
}

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
  if (f.beforeSeq !== undefined) q = q.where('applications.seq', '<', f.beforeSeq as never)
  if (f.measure !== undefined || f.status !== undefined) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('decisions as d')
          .innerJoin('decision_outcomes as o', 'o.decision_id', 'd.id')
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
