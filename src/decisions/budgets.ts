// Setting a budget pool (POLICY.md §3, our addition) and funding its queue, in chunks.
//
// A PUT sets the amount (audited as budget-change:<id>); then, while the budget has room, the head
// of its queue — the unfunded outcome submitted first — is decided again by a correction that
// supersedes its decision (audited as decision.superseded, its ledger grants journaled), which now
// draws the budget. It stops at the first outcome the remainder cannot cover wholly: later ones
// wait behind it (submission order).
//
// The funding goes in chunks of `chunkOutcomes` corrections, each its own transaction holding the
// budget's lock (issue #11: one transaction for a whole queue held that lock ~57 ms per outcome, ten
// minutes for 10 000 outcomes, while every approval drawing the budget waited). The change commits
// with the first chunk, so a crash during it leaves the old amount and the whole queue; a crash
// between chunks leaves the new amount and the queue funded up to the last committed chunk. The
// queue is read afresh in each chunk (only current decisions: a funded one is superseded), so the
// same PUT again — or any later one — resumes where funding stopped, in submission order, and two
// top-ups at once take turns on the lock and never fund an outcome twice; the ledger's CHECK
// (total <= cap) refuses any overdraft whatever happens.
//
// The PUT answers after the first chunk (changeBudget; issue #11: 240 outcomes took 12 s before it
// answered): when more of the queue remains, that chunk's transaction records the funding under way
// (budget_fundings) and the funding job (src/batches/queue.ts: pg-boss, or in process on PGlite)
// continues it, chunk after chunk (continueFunding), each chunk deleting the record when it finds the
// queue done. A job killed or failed mid-queue leaves the record: pg-boss retries the job, the sweep
// sends one when none is left, the in-process runner resumes it at its next start, and the same PUT
// again resumes it too — always from the queue's head as it stands, so in submission order and never
// funding an outcome twice.

import type { Kysely } from 'kysely'
import type { AuditEntryInput } from '../audit/chain.ts'
import type { Caller } from '../auth/api-keys.ts'
import { appendAudit } from '../db/audit-repository.ts'
import {
  type BudgetChange,
  type BudgetRow,
  type BudgetSubject,
  budgetChangeEntity,
  budgetQueue,
  endFunding,
  findBudget,
  findFunding,
  lockBudget,
  lockWithProvince,
  PrefectureOutcomesWaiting,
  recordFunding,
  setBudgetAmount,
  touchFunding,
  waitingProvinceWide,
} from '../db/budget-repository.ts'
import { findApplication, findDecision } from '../db/decisions-repository.ts'
import { entityHash } from '../db/entities.ts'
import type { Executor } from '../db/executor.ts'
import { inTransaction } from '../db/retry.ts'
import type { Database } from '../db/schema.ts'
import { letOthersIn } from '../db/take-turns.ts'
import { subjectKey } from '../engine/ledgers.ts'
import { parseFen } from '../engine/money.ts'
import { correctInTransaction } from './decide.ts'
import { summaryOf } from './stored-evaluation.ts'

export interface BudgetSet {
  budget: BudgetRow
  /** the change recorded; null when the amount and note were already those */
  change: BudgetChange | null
  /** the queue's decisions funded now: the superseded decision and the one that funds it */
  funded: { supersededDecisionId: string; decisionId: string; measure: string; amount: string }[]
}

/** Corrections per funding transaction (setBudget's `chunkOutcomes`; tests pass smaller ones). */
export const DEFAULT_FUNDING_CHUNK = 50

/** What the first chunk of a change did: `more`, the funding continues (recorded for the job). */
export interface BudgetChanged {
  change: BudgetChange | null
  funded: BudgetSet['funded']
  more: boolean
}

/**
 * Sets the amount and funds the first chunk of the queue, in one transaction (the change commits
 * with it). When more of the queue remains it records the funding under way in that transaction, for
 * the funding job (continueFunding); when the queue is done it clears any earlier record.
 */
export const changeBudget = async (
  db: Kysely<Database>,
  caller: Caller,
  subject: BudgetSubject,
  amount: string,
  note: string | null,
  options: { chunkOutcomes?: number } = {},
): Promise<BudgetChanged> => {
  const chunk = options.chunkOutcomes ?? DEFAULT_FUNDING_CHUNK
  return inTransaction(db, async (trx) => {
    if (subject.prefecture !== null) {
      await lockWithProvince(trx, subject)
      if (!(await findBudget(trx, subject, { funding: false }))) {
        const waiting = await waitingProvinceWide(trx, subject)
        if (waiting.count > 0)
          throw new PrefectureOutcomesWaiting(subject.prefecture, waiting.count, waiting.amount)
      }
    }
    const { change } = await setBudgetAmount(trx, subject, amount, note, caller.keyId)
    if (change) {
      const time = new Date().toISOString()
      const entry: AuditEntryInput = {
        time,
        actor: { keyId: caller.keyId, role: caller.role },
        action: 'budget.set',
        entity: { type: 'budget-change', id: change.id },
        entity_hash: entityHash(budgetChangeEntity(change)),
      }
      await appendAudit(trx, [entry])
    }
    const first = await fundQueue(trx, caller, subject, chunk)
    if (first.more) await recordFunding(trx, subject, caller.keyId, caller.role)
    else await endFunding(trx, subjectKey(subject))
    return { change, ...first }
  })
}

/**
 * Continues a budget's funding under way (its budget_fundings record): chunk after chunk, each its
 * own transaction holding the budget's lock, until the queue is done (the record deleted: 'done')
 * or `sliceMs` has passed ('more': the caller queues the next slice). No record: 'done' at once (a
 * funding finished by another job or PUT). Safe to run twice at once: the chunks take turns on the
 * lock and each reads the queue afresh.
 */
export const continueFunding = async (
  db: Kysely<Database>,
  key: string,
  options: { chunkOutcomes?: number; sliceMs?: number } = {},
): Promise<{ state: 'done' | 'more'; funded: BudgetSet['funded'] }> => {
  const chunk = options.chunkOutcomes ?? DEFAULT_FUNDING_CHUNK
  const deadline = Date.now() + (options.sliceMs ?? Number.POSITIVE_INFINITY)
  const funded: BudgetSet['funded'] = []
  for (;;) {
    const next = await inTransaction(db, async (trx) => {
      const recorded = await findFunding(trx, key)
      if (!recorded) return null
      await lockBudget(trx, recorded.subject)
      // Read again under the lock: a chunk that held it before may have finished the queue.
      const funding = await findFunding(trx, key)
      if (!funding) return null
      const caller: Caller = {
        keyId: funding.requestedBy,
        role: funding.requestedRole as Caller['role'],
        enterprise: null,
      }
      const done = await fundQueue(trx, caller, funding.subject, chunk)
      if (done.more) await touchFunding(trx, key)
      else await endFunding(trx, key)
      return done
    })
    if (next === null) return { state: 'done', funded }
    funded.push(...next.funded)
    if (!next.more) return { state: 'done', funded }
    if (Date.now() >= deadline) return { state: 'more', funded }
    // Requests that arrived during the chunk are served before the next one (src/db/take-turns.ts).
    await letOthersIn()
  }
}

/**
 * Sets the amount and funds the whole queue before returning (the first chunk with the change, the
 * rest by continueFunding here): for scripts and tests. The PUT route answers after the first chunk
 * and leaves the rest to the funding job.
 */
export const setBudget = async (
  db: Kysely<Database>,
  caller: Caller,
  subject: BudgetSubject,
  amount: string,
  note: string | null,
  options: { chunkOutcomes?: number } = {},
): Promise<BudgetSet> => {
  const first = await changeBudget(db, caller, subject, amount, note, options)
  const funded = [...first.funded]
  if (first.more) funded.push(...(await continueFunding(db, subjectKey(subject), options)).funded)
  const budget = await findBudget(db, subject)
  return { budget: budget!, change: first.change, funded }
}

/**
 * Funds up to `limit` outcomes of a budget's queue in submission order while the remainder covers
 * the head wholly (the lock on the budget is held by the caller's transaction). `more`: it stopped
 * at the limit with the queue not yet known to be done.
 */
const fundQueue = async (
  trx: Executor,
  caller: Caller,
  subject: BudgetSubject,
  limit: number,
): Promise<{ funded: BudgetSet['funded']; more: boolean }> => {
  const key = subjectKey(subject)
  const funded: BudgetSet['funded'] = []
  for (const head of await budgetQueue(trx, key, limit + 1)) {
    if (funded.length === limit) return { funded, more: true }
    const budget = await findBudget(trx, subject, { funding: false })
    if (!budget || parseFen(head.amount) > parseFen(budget.remaining)) break
    const previous = await findDecision(trx, head.decisionId)
    const application = previous && (await findApplication(trx, previous.applicationId))
    if (!previous || !application || previous.supersededBy) break
    const { decision } = await correctInTransaction(
      trx,
      caller,
      previous,
      application,
      `budget top-up: ${subject.year} ${subject.measure}${subject.prefecture ? ` (${subject.prefecture})` : ''} funds its queue in submission order (POLICY.md §3)`,
    )
    const outcome = summaryOf(decision).outcomes.find((o) => o.measure === head.measure)
    // Decided afresh, the outcome may still wait (its facts' other limits changed meanwhile): it
    // keeps its place (its application's), and the queue behind it waits too.
    if (outcome?.status === 'unfunded') break
    funded.push({
      supersededDecisionId: previous.id,
      decisionId: decision.id,
      measure: head.measure,
      amount: outcome?.amount ?? '0.00',
    })
  }
  return { funded, more: false }
}
