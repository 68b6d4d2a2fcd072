// Deciding an application and storing the decision, in one transaction: the application, the
// decision (outcomes, ruleset version, every parameter value used, the history the engine saw), the
// ledger grants it consumes, and one audit entry per state change — or nothing at all.

import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { hashCanonical } from '../audit/canonical-json.ts'
import type { AuditEntryInput } from '../audit/chain.ts'
import type { Caller } from '../auth/api-keys.ts'
import { appendAudit } from '../db/audit-repository.ts'
import {
  insertApplication,
  insertDecision,
  type StoredApplication,
  type StoredDecision,
} from '../db/decisions-repository.ts'
import {
  type ApplicationEntity,
  applicationEntity,
  type DecisionEntity,
  entityHash,
  ledgerEntryEntity,
} from '../db/entities.ts'
import type { Executor } from '../db/executor.ts'
import {
  applyClaims,
  historyFor,
  journalReversals,
  type LedgerEntryRow,
  lockSubjects,
  releaseGrants,
  subjectsOf,
} from '../db/ledger-repository.ts'
import { inTransaction } from '../db/retry.ts'
import type { Database } from '../db/schema.ts'
import { evaluate } from '../engine/evaluate.ts'
import { subjectKey } from '../engine/ledgers.ts'
import type { Application, Evaluation } from '../engine/types.ts'

/** What jsonb gives back: plain JSON (Rationals become strings, undefined members vanish). */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

const actorOf = (caller: Caller) => ({ keyId: caller.keyId, role: caller.role })

/** An audit entry for an entity whose hash (of its stored form) the caller computed. */
const audit = (caller: Caller, action: string, type: string, id: string, hash: string): AuditEntryInput => ({
  time: new Date().toISOString(),
  actor: actorOf(caller),
  action,
  entity: { type, id },
  entity_hash: hash,
})

export const inputHash = (facts: Application): string => hashCanonical(facts)

/**
 * Evaluates without history or storage: surfaces input errors (EngineError → 4xx) before anything
 * is claimed or written.
 */
export const precheck = (facts: Application): void => {
  evaluate(facts)
}

const storeDecision = async (
  trx: Executor,
  caller: Caller,
  application: StoredApplication,
  facts: Application,
  supersedes: { id: string; reason: string; facts: Application } | null,
): Promise<{ decision: StoredDecision; ledger: LedgerEntryRow[]; reversals: LedgerEntryRow[] }> => {
  const decisionId = randomUUID()
  // A correction touches the old facts' subjects (grants given back) and the new ones.
  const subjects = subjectsOf(facts, supersedes?.facts)
  let locked = await lockSubjects(trx, subjects)
  // A correction first gives back what the superseded decision was granted, then decides afresh
  // on the totals as they are after that (the locks are already held: this only reads them).
  const released = supersedes ? await releaseGrants(trx, supersedes.id, supersedes.facts) : []
  if (released.length > 0) locked = await lockSubjects(trx, subjects)
  const history = await historyFor(trx, subjectsOf(facts), locked)
  const evaluation: Evaluation = asStored(evaluate(facts, { history }))
  const entity: DecisionEntity = {
    id: decisionId,
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
  const decision = await insertDecision(trx, { ...entity, evaluation, decisionHash: entityHash(entity) })
  const reversals = await journalReversals(trx, released, decisionId)
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
  const ledger = await applyClaims(trx, decisionId, facts.enterprise.creditCode, claims)
  return { decision, ledger, reversals }
}

const ledgerAudit = (caller: Caller, rows: readonly LedgerEntryRow[]) =>
  rows.map((row) => {
    const entity = ledgerEntryEntity(row)
    return audit(
      caller,
      row.kind === 'reversal' ? 'ledger.reversed' : 'ledger.granted',
      'ledger-entry',
      entity.id,
      entityHash(entity),
    )
  })

export interface Decided {
  application: StoredApplication
  decision: StoredDecision
}

export interface SubmitOptions {
  /** inputHash(facts), when the caller already computed it (the idempotency request hash) */
  inputHash?: string
  /** runs inside the same transaction (the idempotency record), before the audit entries */
  inTransaction?: (trx: Executor, decided: Decided) => Promise<void>
}

/**
 * Stores and decides a new application. Work the caller adds runs in the same transaction, so a
 * stored response can never disagree with stored data; the audit entries come last.
 */
export const submitApplication = async (
  db: Kysely<Database>,
  caller: Caller,
  facts: Application,
  options: SubmitOptions = {},
): Promise<Decided> =>
  inTransaction(db, async (trx) => {
    const entity: ApplicationEntity = {
      id: randomUUID(),
      enterpriseCreditCode: facts.enterprise.creditCode,
      projectId: facts.project?.id ?? null,
      applicationDate: facts.applicationDate,
      facts: asStored(facts),
      inputHash: options.inputHash ?? inputHash(facts),
      submittedBy: caller.keyId,
    }
    const application = await insertApplication(trx, entity)
    const { decision, ledger } = await storeDecision(trx, caller, application, facts, null)
    const decided = { application, decision }
    if (options.inTransaction) await options.inTransaction(trx, decided)
    // Last, just before commit: the audit head's row lock is held for as short a time as possible.
    await appendAudit(trx, [
      audit(
        caller,
        'application.created',
        'application',
        application.id,
        entityHash(applicationEntity(toRow(application))),
      ),
      audit(caller, 'decision.made', 'decision', decision.id, decision.decisionHash),
      ...ledgerAudit(caller, ledger),
    ])
    return decided
  })

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
  /** runs inside the same transaction (the idempotency record), before the audit entries */
  alsoInTransaction?: (trx: Executor, decided: Decided) => Promise<void>,
): Promise<Decided> =>
  inTransaction(db, async (trx) => {
    const entries: AuditEntryInput[] = []
    let application = previousApplication
    if (correctedFacts) {
      application = await insertApplication(trx, {
        id: randomUUID(),
        enterpriseCreditCode: correctedFacts.enterprise.creditCode,
        projectId: correctedFacts.project?.id ?? null,
        applicationDate: correctedFacts.applicationDate,
        facts: asStored(correctedFacts),
        inputHash: inputHash(correctedFacts),
        submittedBy: caller.keyId,
      })
      entries.push(
        audit(
          caller,
          'application.created',
          'application',
          application.id,
          entityHash(applicationEntity(toRow(application))),
        ),
      )
    }
    const facts = (correctedFacts ?? previousApplication.facts) as Application
    const { decision, ledger, reversals } = await storeDecision(trx, caller, application, facts, {
      id: previous.id,
      reason,
      facts: previousApplication.facts as Application,
    })
    entries.push(
      audit(caller, 'decision.superseded', 'decision', decision.id, decision.decisionHash),
      ...ledgerAudit(caller, [...reversals, ...ledger]),
    )
    const decided = { application, decision }
    if (alsoInTransaction) await alsoInTransaction(trx, decided)
    await appendAudit(trx, entries)
    return decided
  })

const toRow = (a: StoredApplication) => ({
  id: a.id,
  enterprise_credit_code: a.enterpriseCreditCode,
  project_id: a.projectId,
  application_date: a.applicationDate,
  facts: a.facts,
  input_hash: a.inputHash,
  submitted_by: a.submittedBy,
})
