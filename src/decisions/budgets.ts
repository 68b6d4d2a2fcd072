// Setting a budget pool (POLICY.md §3, our addition) and funding its queue, in one transaction.
//
// A PUT sets the amount (audited as budget-change:<id>); then, while the budget has room, the head
// of its queue — the unfunded outcome submitted first — is decided again by a correction that
// supersedes its decision (audited as decision.superseded, its ledger grants journaled), which now
// draws the budget. It stops at the first outcome the remainder cannot cover wholly: later ones
// wait behind it (submission order). All of this commits with the budget change or not at all, so a
// crash leaves either the old budget and queue or the new budget with its queue funded, never half.
// Two top-ups of the same budget are serialised by its row lock: the second finds the queue already
// funded (those decisions are superseded) and funds nothing twice.

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
  findBudget,
  setBudgetAmount,
} from '../db/budget-repository.ts'
import { findApplication, findDecision } from '../db/decisions-repository.ts'
import { entityHash } from '../db/entities.ts'
import type { Executor } from '../db/executor.ts'
import { inTransaction } from '../db/retry.ts'
import type { Database } from '../db/schema.ts'
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

export const setBudget = (
  db: Kysely<Database>,
  caller: Caller,
  subject: BudgetSubject,
  amount: string,
  note: string | null,
): Promise<BudgetSet> =>
  inTransaction(db, async (trx) => {
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
    const funded = await fundQueue(trx, caller, subject)
    const budget = await findBudget(trx, subject)
    return { budget: budget!, change, funded }
  })

/**
 * Funds a budget's queue in submission order while the remainder covers the head wholly (the lock
 * on the budget is held by the caller's transaction).
 */
const fundQueue = async (
  trx: Executor,
  caller: Caller,
  subject: BudgetSubject,
): Promise<BudgetSet['funded']> => {
  const key = subjectKey(subject)
  const funded: BudgetSet['funded'] = []
  for (const head of await budgetQueue(trx, key)) {
    const budget = await findBudget(trx, subject)
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
  return funded
}
