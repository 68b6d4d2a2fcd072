// Stored applications and decisions as the API shows them (src/schemas/applications.ts).

import type { StoredApplication, StoredDecision } from '../db/decisions-repository.ts'
import type { Application, Evaluation, History } from '../engine/types.ts'
import { type Explain, explained } from './explain.ts'

export const presentDecision = (d: StoredDecision, explain: Explain = 'full') => ({
  id: d.id,
  applicationId: d.applicationId,
  createdAt: d.createdAt,
  decidedBy: d.decidedBy,
  supersedes: d.supersedes,
  supersededBy: d.supersededBy,
  correctionReason: d.correctionReason,
  decisionHash: d.decisionHash,
  history: d.history as History,
  evaluation: explained(d.evaluation as Evaluation, explain),
})

export const presentApplication = (
  a: StoredApplication,
  decisions: readonly StoredDecision[],
  explain: Explain = 'full',
) => ({
  id: a.id,
  enterpriseCreditCode: a.enterpriseCreditCode,
  projectId: a.projectId,
  applicationDate: a.applicationDate,
  inputHash: a.inputHash,
  submittedBy: a.submittedBy,
  createdAt: a.createdAt,
  facts: a.facts as Application,
  decisions: decisions.map((d) => presentDecision(d, explain)),
})
