// Deciding an application and storing the decision, in one transaction: the application, the
// decision (outcomes, ruleset version, every parameter value used, the history the engine saw), the
// ledger grants it consumes, the Idempotency-Key it completes, and one audit entry per state change
// — or nothing at all. Round trips inside the transaction: lock the ledger subjects, read what they
// hold, then one statement (store_decision) for every write.

import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { hashCanonical } from '../audit/canonical-json.ts'
import type { AuditEntryInput } from '../audit/chain.ts'
import type { Caller } from '../auth/api-keys.ts'
import { auditRows } from '../db/audit-repository.ts'
import {
  type KeyCompletion,
  type StoredApplication,
  type StoredDecision,
  storeDecisionWrite,
} from '../db/decisions-repository.ts'
import { applicationEntity, type DecisionEntity, entityHash } from '../db/entities.ts'
import type { Executor } from '../db/executor.ts'
import {
  claimRows,
  historyFor,
  lockSubjects,
  releaseGrants,
  reversalRows,
  subjectsOf,
} from '../db/ledger-repository.ts'
import { inTransaction } from '../db/retry.ts'
import type { Database } from '../db/schema.ts'
import { evaluate } from '../engine/evaluate.ts'
import { type History, subjectKey } from '../engine/ledgers.ts'
import type { Application, Evaluation } from '../engine/types.ts'

/** What jsonb gives back: plain JSON (Rationals become strings, undefined members vanish). */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

export const inputHash = (facts: Application): string => hashCanonical(facts)

/**
 * Evaluates without history or storage: surfaces input errors (EngineError → 4xx) before anything
 * is claimed or written. Its result is the decision itself when the ledger holds nothing for the
 * application's subjects (the usual first application), so it is not evaluated twice.
 */
export const precheck = (facts: Application): Evaluation => asStored(evaluate(facts))

/** Nothing granted under the subjects: the evaluation without history is the decision. */
const isEmpty = (h: History): boolean => (h.totals?.length ?? 0) === 0 && (h.grants?.length ?? 0) === 0

export interface Decided {
  application: StoredApplication
  decision: StoredDecision
}

export interface StoreOptions {
  /** inputHash(facts), when the caller already computed it (the idempotency request hash) */
  inputHash?: string
  /** precheck(facts), reused when the ledger holds nothing for the subjects */
  precomputed?: Evaluation
  /**
   * The response to store with the decision and the Idempotency-Key it completes, in the same
   * statement: a stored response can never disagree with stored data.
   */
  respond?: (decided: Decided) => { body: string; completion: Omit<KeyCompletion, 'body'> }
}

interface Supersedes {
  id: string
  reason: string
  facts: Application
}

/**
 * Decides `facts` under the ledger as it stands and writes everything in one statement. `newApplication`
 * is stored with it; otherwise the decision is about `application`, already stored.
 */
const decideAndStore = async (
  trx: Executor,
  caller: Caller,
  facts: Application,
  application: StoredApplication,
  newApplication: boolean,
  supersedes: Supersedes | null,
  options: StoreOptions,
): Promise<Decided> => {
  // A correction touches the old facts' subjects (grants given back) and the new ones.
  const subjects = subjectsOf(facts, supersedes?.facts)
  let locked = await lockSubjects(trx, subjects)
  // A correction first gives back what the superseded decision was granted, then decides afresh
  // on the totals as they are after that (the locks are already held: this only reads them).
  const released = supersedes ? await releaseGrants(trx, supersedes.id, supersedes.facts) : []
  if (released.length > 0) locked = await lockSubjects(trx, subjects)
  const history = await historyFor(trx, subjectsOf(facts), locked)
  const evaluation: Evaluation =
    options.precomputed && isEmpty(history) ? options.precomputed : asStored(evaluate(facts, { history }))

  const claims = evaluation.outcomes.flatMap((o) => o.ledger)
  // A claim on a subject that was not locked could race another decision: a measure must name every
  // subject it claims (Measure.subjects). Refuse rather than write.
  for (const claim of claims) {
    const key = subjectKey(claim.subject)
    if (!subjects.some((s) => s.ledger === claim.subject.ledger && s.key === key))
      throw new Error(
        `engine bug: a claim on ${claim.subject.ledger} ${key}, a subject the measure did not name`,
      )
  }

  const entity: DecisionEntity = {
    id: randomUUID(),
    applicationId: application.id,
    ruleset: evaluation.ruleset,
    asOf: evaluation.asOf,
    totalAmount: evaluation.totalAmount,
    evaluation,
    parameters: evaluation.parametersUsed,
    history: asStored(history),
    supersedes: supersedes?.id ?? null,
    correctionReason: supersedes?.reason ?? null,
    decidedBy: caller.keyId,
  }
  const now = new Date().toISOString()
  const decision: StoredDecision = {
    ...entity,
    seq: '',
    decisionHash: entityHash(entity),
    createdAt: now,
    supersededBy: null,
  }
  const decided = { application, decision }
  const response = options.respond?.(decided)
  const rows = claimRows(claims)
  const audit = [
    ...(newApplication
      ? [
          entry(
            caller,
            now,
            'application.created',
            'application',
            application.id,
            applicationHash(application),
          ),
        ]
      : []),
    entry(
      caller,
      now,
      supersedes ? 'decision.superseded' : 'decision.made',
      'decision',
      decision.id,
      decision.decisionHash,
    ),
  ]
  await storeDecisionWrite(trx, {
    application: newApplication ? application : null,
    decision: { ...entity, evaluation, decisionHash: decision.decisionHash, createdAt: now },
    creditCode: facts.enterprise.creditCode,
    report: { prefecture: facts.project?.prefecture ?? null, applicationDate: facts.applicationDate },
    cumulative: rows.cumulative,
    once: rows.once,
    days: rows.days,
    journal: [...reversalRows(released), ...rows.journal],
    completion: response ? { ...response.completion, body: response.body } : null,
    audit: { time: now, actor: { keyId: caller.keyId, role: caller.role }, entries: auditRows(audit) },
  })
  return decided
}

/** An audit entry for an entity whose hash (of its stored form) the caller computed. */
const entry = (
  caller: Caller,
  time: string,
  action: string,
  type: string,
  id: string,
  hash: string,
): AuditEntryInput => ({
  time,
  actor: { keyId: caller.keyId, role: caller.role },
  action,
  entity: { type, id },
  entity_hash: hash,
})

const newApplication = (caller: Caller, facts: Application, hash?: string): StoredApplication => ({
  id: randomUUID(),
  seq: '',
  enterpriseCreditCode: facts.enterprise.creditCode,
  projectId: facts.project?.id ?? null,
  applicationDate: facts.applicationDate,
  facts: asStored(facts),
  inputHash: hash ?? inputHash(facts),
  submittedBy: caller.keyId,
  createdAt: new Date().toISOString(),
})

const applicationHash = (a: StoredApplication): string => entityHash(applicationEntity(toRow(a)))

/** Stores and decides a new application, in one transaction. */
export const submitApplication = async (
  db: Kysely<Database>,
  caller: Caller,
  facts: Application,
  options: StoreOptions = {},
): Promise<Decided> =>
  inTransaction(db, (trx) =>
    decideAndStore(trx, caller, facts, newApplication(caller, facts, options.inputHash), true, null, options),
  )

/**
 * A correction: a new decision that supersedes `previous`, with the reason and who made it. With
 * corrected facts, they are stored as a new application whose decision supersedes the old one.
 */
export const correctDecision = async (
  db: Kysely<Database>,
  caller: Caller,
  previous: StoredDecision,
  previousApplication: StoredApplication,
  reason: string,
  correctedFacts: Application | null,
  options: StoreOptions = {},
): Promise<Decided> =>
  inTransaction(db, (trx) =>
    decideAndStore(
      trx,
      caller,
      (correctedFacts ?? previousApplication.facts) as Application,
      correctedFacts ? newApplication(caller, correctedFacts) : previousApplication,
      correctedFacts !== null,
      { id: previous.id, reason, facts: previousApplication.facts as Application },
      options,
    ),
  )

const toRow = (a: StoredApplication) => ({
  id: a.id,
  enterprise_credit_code: a.enterpriseCreditCode,
  project_id: a.projectId,
  application_date: a.applicationDate,
  facts: a.facts,
  input_hash: a.inputHash,
  submitted_by: a.submittedBy,
})
