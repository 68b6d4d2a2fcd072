// Deciding an application and storing the decision, atomically: the application, the decision (the
// engine's compact record: outcomes, ruleset version, every parameter value used, the facts of its
// trace; and the history the engine saw), the ledger grants it consumes, the Idempotency-Key it claims
// and completes, and one audit entry per state change — or nothing at all.
// A new application (submitApplication) takes two statements (issue #10): the ledger state its
// subjects and budgets hold, read unlocked; then store_decision_checked, one statement that takes the
// locks, checks the state did not move and writes everything (store_decision). When it moved, nothing
// is written and the application is decided again as corrections always are, and as applications a
// budget applies to are at once (its row is drawn by all of them) (submitLocked): in one
// transaction, lock the budgets and the ledger subjects, read what they hold, then one statement
// (store_decision) for every write. No explained evaluation is built on this path: the auditor's view
// is rendered from the record when someone reads it (src/decisions/stored-evaluation.ts).

import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { hashCanonical } from '../audit/canonical-json.ts'
import type { AuditEntryInput } from '../audit/chain.ts'
import type { Caller } from '../auth/api-keys.ts'
import { auditRows } from '../db/audit-repository.ts'
import {
  type BudgetSubject,
  budgetKeysOf,
  enqueueUnfunded,
  lockBudgets,
  recordFundingsWaiting,
} from '../db/budget-repository.ts'
import {
  assertNotSuperseded,
  type DecisionWrite,
  type KeyCompletion,
  type StoredApplication,
  type StoredDecision,
  storeDecisionChecked,
  storeDecisionWrite,
} from '../db/decisions-repository.ts'
import { applicationEntity, type DecisionEntity, entityHash } from '../db/entities.ts'
import type { Executor } from '../db/executor.ts'
import { databaseUnavailable } from '../db/faults.ts'
import { KeyTakenError } from '../db/idempotency-repository.ts'
import {
  claimRows,
  type Grant,
  historyFor,
  type LedgerState,
  ledgerStateOf,
  lockSubjects,
  releaseGrants,
  reversalRows,
  type Subject,
  subjectsOf,
} from '../db/ledger-repository.ts'
import { inTransaction, isRetryable } from '../db/retry.ts'
import type { Database } from '../db/schema.ts'
import { readStateGrouped } from '../db/store-groups.ts'
import { applicableBudget, BUDGETED_MEASURES, budgetCandidates } from '../engine/budgets.ts'
import { type CompactEvaluation, decideCompact } from '../engine/decide.ts'
import {
  type BudgetState,
  type History,
  type LedgerClaim,
  subjectKey,
  unpackClaim,
} from '../engine/ledgers.ts'
import { type StoredRecord, storedRecord } from '../engine/stored-record.ts'
import type { Application, MeasureId } from '../engine/types.ts'

/** What jsonb gives back: plain JSON (Rationals become strings, undefined members vanish). */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

export const inputHash = (facts: Application): string => hashCanonical(facts)

/**
 * Decides without history or storage: surfaces input errors (EngineError → 4xx) before anything
 * is written. Its record is the decision itself when the ledger holds nothing for the
 * application's subjects (the usual first application), so it is not decided twice. The compact
 * record is plain JSON already (src/engine/decide.ts): stored and hashed as it is.
 */
export const precheck = (facts: Application): CompactEvaluation => decideCompact(facts)

/** Nothing granted under the subjects: the evaluation without history is the decision. */
const isEmpty = (h: History): boolean =>
  (h.totals?.length ?? 0) === 0 && (h.grants?.length ?? 0) === 0 && (h.budgets?.length ?? 0) === 0

export interface Decided {
  application: StoredApplication
  decision: StoredDecision
}

export interface StoreOptions {
  /** inputHash(facts), when the caller already computed it (the idempotency request hash) */
  inputHash?: string
  /** precheck(facts), reused when the ledger holds nothing for the subjects */
  precomputed?: CompactEvaluation
  /**
   * The response to store with the decision and the Idempotency-Key it claims and completes, in the
   * same statement: a stored response can never disagree with stored data.
   */
  respond?: (decided: Decided) => { body: string; completion: Omit<KeyCompletion, 'body'> }
  /**
   * Called before each checked store of a new application (attempt 1, 2…), after the state it is
   * decided on was read: a test commits a competing decision here to force the stale path.
   */
  beforeStore?: (attempt: number) => Promise<void>
}

interface Supersedes {
  id: string
  reason: string
  facts: Application
  /** the ruleset version that made it (its ledger keys as written before 1.5.0: releaseGrants) */
  ruleset: string
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
  // Budget pools (POLICY.md §3) that are set for the application are locked first ('budget' sorts
  // before every other ledger, so the (ledger, key) lock order holds), with their queue ahead.
  const budgetSubjects = [
    ...budgetCandidates(facts),
    ...(supersedes ? budgetCandidates(supersedes.facts) : []),
  ]
  const position = {
    storedApplicationId: newApplication ? null : application.id,
    supersededId: supersedes?.id ?? null,
  }
  let budgets = await lockBudgets(trx, budgetSubjects, position)
  let locked = await lockSubjects(trx, subjects)
  // Under the locks: a correction of one decision that committed meanwhile gave its grants back.
  if (supersedes) await assertNotSuperseded(trx, supersedes.id)
  // A correction first gives back what the superseded decision was granted, then decides afresh
  // on the totals as they are after that (the locks are already held: this only reads them).
  const released = supersedes ? await releaseGrants(trx, supersedes) : []
  if (released.length > 0) {
    locked = await lockSubjects(trx, subjects)
    if (budgets.length > 0) budgets = await lockBudgets(trx, budgetSubjects, position)
  }
  const history = withBudgets(await historyFor(trx, subjectsOf(facts), locked), facts, budgets)
  const evaluation: CompactEvaluation =
    options.precomputed && isEmpty(history) ? options.precomputed : decideCompact(facts, { history })
  const prepared = prepareDecision(caller, facts, application, newApplication, supersedes, {
    subjects,
    budgets,
    history,
    evaluation,
    released,
    respond: options.respond,
  })
  await storeDecisionWrite(trx, prepared.write)
  // Unfunded outcomes wait in their budget's queue, in submission order (POLICY.md §3).
  await enqueueUnfunded(
    trx,
    prepared.decided.decision.id,
    unfundedRows(evaluation, facts, history),
    supersedes?.id ?? null,
  )
  return prepared.decided
}

/** A decision made and ready to store: what it answers, and the write that stores it. */
export interface PreparedDecision {
  decided: Decided
  write: DecisionWrite
  /** what the decision consumes (a batch applies them to the chunk's ledger view) */
  claims: LedgerClaim[]
}

/**
 * Everything a decision writes, from the evaluation made on the history read under the locks: the
 * decision entity and its hash, the ledger rows of its claims, the journal (reversals first), the
 * Idempotency-Key completion and the audit entries. Shared by one application
 * (decideAndStore) and a batch's chunk (decideChunk): a batch row is stored exactly as if it had
 * been posted alone.
 */
export const prepareDecision = (
  caller: Caller,
  facts: Application,
  application: StoredApplication,
  newApplication: boolean,
  supersedes: Supersedes | null,
  made: {
    /** the subjects locked for this decision (a claim outside them is refused) */
    subjects: readonly Subject[]
    /** the budgets locked for this decision (their claims are allowed too) */
    budgets: readonly BudgetState[]
    history: History
    evaluation: CompactEvaluation
    released: Grant[]
    respond?: StoreOptions['respond']
  },
): PreparedDecision => {
  const { subjects, budgets, history, evaluation, released } = made
  const claims = evaluation.outcomes.flatMap((o) => o.ledger.map((c) => unpackClaim(o.measure, c)))
  // A claim on a subject that was not locked could race another decision: a measure must name every
  // subject it claims (Measure.subjects). Refuse rather than write.
  for (const claim of claims) {
    const key = subjectKey(claim.subject)
    const lockedBudget = claim.subject.ledger === 'budget' && budgets.some((b) => b.key === key)
    if (!lockedBudget && !subjects.some((s) => s.ledger === claim.subject.ledger && s.key === key))
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
    // the record as stored and hashed: format 3, the same facts in fewer bytes (issue #10)
    evaluation: storedRecord(evaluation),
    // in the record (parametersUsed); the column holds them only for full evaluations stored before
    parameters: null,
    history: asStored(history),
    supersedes: supersedes?.id ?? null,
    correctionReason: supersedes?.reason ?? null,
    decidedBy: caller.keyId,
    recordFormat: 'compact',
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
  const response = made.respond?.(decided)
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
  const write: DecisionWrite = {
    application: newApplication ? application : null,
    decision: {
      ...entity,
      evaluation: entity.evaluation as StoredRecord,
      recordFormat: 'compact',
      decisionHash: decision.decisionHash,
      createdAt: now,
    },
    outcomes: evaluation.outcomes.map((o) => ({ measure: o.measure, status: o.status, amount: o.amount })),
    creditCode: facts.enterprise.creditCode,
    report: { prefecture: facts.project?.prefecture ?? null, applicationDate: facts.applicationDate },
    cumulative: rows.cumulative,
    once: rows.once,
    days: rows.days,
    journal: [...reversalRows(released), ...rows.journal],
    completion: response ? { ...response.completion, body: response.body } : null,
    audit: { time: now, actor: { keyId: caller.keyId, role: caller.role }, entries: auditRows(audit) },
  }
  return { decided, write, claims }
}

/** The history the engine sees: the ledger's, and the budgets that apply to these facts. */
export const withBudgets = (history: History, facts: Application, budgets: BudgetState[]): History => {
  if (budgets.length === 0) return history
  // Only the budget that pays each measure (BUDGET_RULES.scope), in key order as locked.
  const paying = new Set(BUDGETED_MEASURES.map((m) => applicableBudget(facts, m, budgets)?.key))
  const applying = budgets.filter((b) => paying.has(b.key))
  return applying.length > 0 ? { ...history, budgets: applying } : history
}

export const unfundedRows = (evaluation: CompactEvaluation, facts: Application, history: History) =>
  evaluation.outcomes.flatMap((o) => {
    if (o.status !== 'unfunded' || o.amount === null) return []
    const budget = applicableBudget(facts, o.measure as MeasureId, history.budgets)
    return budget ? [{ measure: o.measure as MeasureId, key: budget.key, amount: o.amount }] : []
  })

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

export const newApplication = (caller: Caller, facts: Application, hash?: string): StoredApplication => ({
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

/**
 * How new applications were stored since the process started (bench/write-path.ts reports them):
 * in two round trips (`checked`), of which `reused` with the precheck's record; `stale` when the
 * ledger moved between the read and the checked store; `budgeted` when a budget applies; both then
 * decided under the locks (`locked`, which also counts retryable failures of the checked store).
 */
export const writePathCounts = { checked: 0, reused: 0, stale: 0, budgeted: 0, locked: 0 }

/**
 * The budget keys seen set, per database. Every application of a budget's year draws its row
 * (POLICY.md §3): under load its state moves between any unlocked read and a checked store (10 in
 * flight: 92 % stale, 8.4 statements and 1.6× the CPU of the locked path, bench/write-path.ts with
 * WRITE_PATH_BUDGET), so such applications are decided under the locks without the read. A budget is
 * never unset (its amount changes, its row stays); were it, this would only route an application
 * to the locked path, which is always exact.
 */
const budgetsSeen = new WeakMap<object, Set<string>>()
const budgetSet = (db: Kysely<Database>, keys: readonly string[]): boolean =>
  keys.some((k) => budgetsSeen.get(db)?.has(k) === true)

/**
 * How many checked stores a new application tries: the first on the state read unlocked; the second
 * on the state the first found under the locks (store_decision_checked answers it when it moved, so
 * deciding again costs one statement, not the locked path's six). A tuning choice, not policy: with
 * 10 in flight on 5 projects the first is stale for about half of them (bench/write-path.ts,
 * WRITE_PATH_PROJECTS=5).
 */
const CHECKED_ATTEMPTS = 2

/**
 * A new application in two statements, no transaction held open across them (issue #10): read what
 * the engine sees of the ledger, unlocked (readLedgerState); decide; then one statement
 * (store_decision_checked) takes the locks the locked path takes, in its order, re-reads the state
 * under them, and stores only if it is the one decided on. Then the decision is the one the locked
 * path would make (the engine is pure). When the state moved it is decided again on the state found
 * under the locks, and stored the same way (CHECKED_ATTEMPTS). Returns null, with nothing written,
 * when the state kept moving, when the store lost a race the locked path retries, or when a budget
 * applies (budgetsSeen): the caller decides again under the locks.
 */
const submitChecked = async (
  db: Kysely<Database>,
  caller: Caller,
  facts: Application,
  application: StoredApplication,
  budgetKeys: readonly string[],
  options: StoreOptions,
): Promise<Decided | null> => {
  const subjects = subjectsOf(facts)
  let state: LedgerState
  try {
    state = await readStateGrouped(db, subjects, budgetKeys)
  } catch (e) {
    throw databaseUnavailable(e) ?? e
  }
  for (let attempt = 1; ; attempt++) {
    if (state.budgets.length > 0) {
      const seen = budgetsSeen.get(db) ?? new Set<string>()
      for (const b of state.budgets) seen.add(b.key)
      budgetsSeen.set(db, seen)
      writePathCounts.budgeted++
      return null
    }
    await options.beforeStore?.(attempt)
    const history = withBudgets(state.history, facts, state.budgets)
    const reuse = options.precomputed !== undefined && isEmpty(history)
    const evaluation = reuse ? options.precomputed! : decideCompact(facts, { history })
    const prepared = prepareDecision(caller, facts, application, true, null, {
      subjects,
      budgets: state.budgets,
      history,
      evaluation,
      released: [],
      respond: options.respond,
    })
    let result: Awaited<ReturnType<typeof storeDecisionChecked>>
    try {
      result = await storeDecisionChecked(db, prepared.write, {
        subjects,
        budgets: budgetKeys,
        fingerprint: state.fingerprint,
      })
    } catch (e) {
      if (e instanceof KeyTakenError) throw e
      // A deadlock or a lock timeout: the locked path retries it, with backoff.
      if (isRetryable(e)) return null
      throw databaseUnavailable(e) ?? e
    }
    if (result.stored) {
      writePathCounts.checked++
      if (reuse) writePathCounts.reused++
      return prepared.decided
    }
    writePathCounts.stale++
    if (attempt >= CHECKED_ATTEMPTS) return null
    state = ledgerStateOf(subjects, result.state, result.fingerprint)
  }
}

/**
 * Stores and decides a new application: in two statements when no budget applies and the ledger does
 * not move between them (submitChecked), else in one transaction under the locks, as before.
 */
export const submitApplication = async (
  db: Kysely<Database>,
  caller: Caller,
  facts: Application,
  options: StoreOptions = {},
): Promise<Decided> => {
  const application = newApplication(caller, facts, options.inputHash)
  // The budgets that could apply, found once: the check below and the state read both need them.
  const budgetKeys = budgetKeysOf(budgetCandidates(facts))
  if (budgetSet(db, budgetKeys)) writePathCounts.budgeted++
  else {
    const decided = await submitChecked(db, caller, facts, application, budgetKeys, options)
    if (decided !== null) return decided
  }
  writePathCounts.locked++
  return submitLocked(db, caller, facts, options, application)
}

/**
 * A new application decided and stored in one transaction under the locks: lockBudgets, lockSubjects,
 * historyFor, store_decision (the path before 2026-12-04T1800, and submitApplication's fallback).
 */
export const submitLocked = (
  db: Kysely<Database>,
  caller: Caller,
  facts: Application,
  options: StoreOptions = {},
  application: StoredApplication = newApplication(caller, facts, options.inputHash),
): Promise<Decided> =>
  inTransaction(db, (trx) => decideAndStore(trx, caller, facts, application, true, null, options))

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
): Promise<Decided & { fundings: string[] }> =>
  inTransaction(db, async (trx) => {
    const facts = (correctedFacts ?? previousApplication.facts) as Application
    const decided = await decideAndStore(
      trx,
      caller,
      facts,
      correctedFacts ? newApplication(caller, correctedFacts) : previousApplication,
      correctedFacts !== null,
      {
        id: previous.id,
        reason,
        facts: previousApplication.facts as Application,
        ruleset: previous.ruleset.version,
      },
      options,
    )
    // What the superseded decision drew from a budget is given back: a queue waiting on that budget
    // is funded from it, in submission order, as after a top-up (POLICY.md §3). The funding is
    // recorded here, committed with the correction, and run by the funding job the caller sends (the
    // sweep sends it if that fails). Before, the money stayed unused until the budget was PUT again.
    const subjects = [
      ...budgetCandidates(previousApplication.facts as Application),
      ...budgetCandidates(facts),
    ]
    const fundings = await recordFundingsWaiting(trx, caller, subjects as BudgetSubject[])
    return { ...decided, fundings }
  })

/**
 * A correction with the same facts, inside the caller's transaction (a budget top-up funds its
 * queue this way, atomically with the budget change: src/decisions/budgets.ts).
 */
export const correctInTransaction = (
  trx: Executor,
  caller: Caller,
  previous: StoredDecision,
  previousApplication: StoredApplication,
  reason: string,
): Promise<Decided> =>
  decideAndStore(
    trx,
    caller,
    previousApplication.facts as Application,
    previousApplication,
    false,
    {
      id: previous.id,
      reason,
      facts: previousApplication.facts as Application,
      ruleset: previous.ruleset.version,
    },
    {},
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
