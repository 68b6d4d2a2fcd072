// Stored applications and decisions as the API shows them (src/schemas/applications.ts). The
// evaluation is read through the versioned reader (src/decisions/stored-evaluation.ts): the trace
// is rendered only when the caller asks for it (explain=full).

import {
  findApplication,
  findDecision,
  type StoredApplication,
  type StoredDecision,
} from '../db/decisions-repository.ts'
import type { Executor } from '../db/executor.ts'
import { inJsonbOrder } from '../db/jsonb-order.ts'
import type { ResponseReplay } from '../db/schema.ts'
import type { TraceLanguage } from '../engine/trace.ts'
import type { Application, History } from '../engine/types.ts'
import { withConsequenceTexts } from '../i18n/consequences.ts'
import type { Explain } from './explain.ts'
import { fullEvaluation, languageOf, summaryOf } from './stored-evaluation.ts'

/** `facts`: those of the decision's application (the full trace shows them as inputs). */
export const presentDecision = (
  d: StoredDecision,
  facts: Application,
  explain: Explain,
  language: TraceLanguage,
) => ({
  id: d.id,
  applicationId: d.applicationId,
  createdAt: d.createdAt,
  decidedBy: d.decidedBy,
  supersedes: d.supersedes,
  supersededBy: d.supersededBy,
  correctionReason: d.correctionReason,
  decisionHash: d.decisionHash,
  history: d.history as History,
  evaluation: withConsequenceTexts(explain === 'full' ? fullEvaluation(d, facts, language) : summaryOf(d)),
  // The language of the trace's steps and notes, said in the body: a stored idempotent response is
  // replayed as it was written, whatever the retry asks for (src/routes/idempotency.ts reads it).
  ...(explain === 'full' ? { traceLanguage: languageOf(d, language) } : {}),
})

export const presentApplication = (
  a: StoredApplication,
  decisions: readonly StoredDecision[],
  explain: Explain,
  language: TraceLanguage,
) => ({
  id: a.id,
  enterpriseCreditCode: a.enterpriseCreditCode,
  projectId: a.projectId,
  applicationDate: a.applicationDate,
  inputHash: a.inputHash,
  submittedBy: a.submittedBy,
  createdAt: a.createdAt,
  facts: a.facts as Application,
  decisions: decisions.map((d) => presentDecision(d, a.facts as Application, explain, language)),
})

/**
 * The body of a response that stores a decision (POST /v1/applications, a correction), and what a
 * retry with the same Idempotency-Key renders it again from (migration 2026-12-03T1700). It is
 * rendered from the application and decision as they read back from the database (jsonb's key
 * order; the decision not yet superseded), so renderStoredResponse gives the same bytes later.
 */
export const storedResponse = (
  application: StoredApplication,
  decision: StoredDecision,
  explain: Explain,
  language: TraceLanguage,
): { body: string; replay: ResponseReplay } => {
  const body = JSON.stringify(
    presentApplication(
      inJsonbOrder(application),
      [{ ...inJsonbOrder(decision), supersededBy: null }],
      explain,
      language,
    ),
  )
  return { body, replay: { decision: decision.id, explain, language } }
}

/** A stored response rendered again (storedResponse); the decision as it was answered: not superseded. */
export const renderStoredResponse = async (db: Executor, replay: ResponseReplay): Promise<string> => {
  const decision = await findDecision(db, replay.decision)
  const application = decision && (await findApplication(db, decision.applicationId))
  if (!decision || !application) throw new Error(`the stored response's decision ${replay.decision} is gone`)
  return JSON.stringify(
    presentApplication(application, [{ ...decision, supersededBy: null }], replay.explain, replay.language),
  )
}
