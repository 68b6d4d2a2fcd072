// The audited state of each kind of entity, built from its stored row. The same builders serve the
// writer (entity_hash at write time) and the verifier (entity_hash recomputed from what is stored
// now), so an altered row shows up as an entity-hash mismatch at its audit entry.

import { hashCanonical } from '../audit/canonical-json.ts'

export interface ApplicationEntity {
  id: string
  enterpriseCreditCode: string
  projectId: string | null
  applicationDate: string
  facts: unknown
  inputHash: string
  submittedBy: string
}

export interface DecisionEntity {
  id: string
  applicationId: string
  ruleset: { id: string; version: string }
  asOf: string
  totalAmount: string
  /** the engine's compact record, or (recordFormat absent) a full evaluation stored before 2026-12-03 */
  evaluation: unknown
  /** the full evaluation's parametersUsed; null for a compact record, which holds its own */
  parameters: unknown
  history: unknown
  supersedes: string | null
  correctionReason: string | null
  decidedBy: string
  /**
   * 'compact' when `evaluation` is the engine's compact record; absent for the full evaluations
   * stored before (migration 2026-12-03T1545), so their entity hashes stay what they were.
   */
  recordFormat?: 'compact'
}

export interface LedgerEntryEntity {
  id: string
  decisionId: string
  ledger: string
  key: string
  kind: string
  amount: string | null
  /** present only when set (entries from 2026-12-03 on), so older entries keep their hash */
  item?: string
  period?: { from: string; to: string }
}

/** The columns each builder reads: what a repository selects to rebuild an entity. */
export const APPLICATION_ENTITY_COLUMNS = [
  'id',
  'enterprise_credit_code',
  'project_id',
  'application_date',
  'facts',
  'input_hash',
  'submitted_by',
] as const
export const DECISION_ENTITY_COLUMNS = [
  'id',
  'application_id',
  'ruleset_id',
  'ruleset_version',
  'as_of',
  'total_amount',
  'evaluation',
  'parameters',
  'history',
  'supersedes',
  'correction_reason',
  'decided_by',
  'record_format',
] as const
export const LEDGER_ENTRY_ENTITY_COLUMNS = [
  'id',
  'decision_id',
  'ledger',
  'key',
  'kind',
  'amount',
  'item',
  'period_from',
  'period_to',
] as const

export const applicationEntity = (row: {
  id: string
  enterprise_credit_code: string
  project_id: string | null
  application_date: string
  facts: unknown
  input_hash: string
  submitted_by: string
}): ApplicationEntity => ({
  id: row.id,
  enterpriseCreditCode: row.enterprise_credit_code,
  projectId: row.project_id,
  applicationDate: row.application_date,
  facts: row.facts,
  inputHash: row.input_hash,
  submittedBy: row.submitted_by,
})

export const decisionEntity = (row: {
  id: string
  application_id: string
  ruleset_id: string
  ruleset_version: string
  as_of: string
  total_amount: string
  evaluation: unknown
  parameters: unknown
  history: unknown
  supersedes: string | null
  correction_reason: string | null
  decided_by: string
  record_format: string
}): DecisionEntity => ({
  id: row.id,
  applicationId: row.application_id,
  ruleset: { id: row.ruleset_id, version: row.ruleset_version },
  asOf: row.as_of,
  totalAmount: row.total_amount,
  // Text from migration 2026-12-04T1810-lean-outcomes on (jsonb before): the JSON jsonb gave back,
  // parsed as the driver parsed the jsonb, so every stored record reads the same value as before.
  evaluation: typeof row.evaluation === 'string' ? JSON.parse(row.evaluation) : row.evaluation,
  parameters: row.parameters,
  history: row.history,
  supersedes: row.supersedes,
  correctionReason: row.correction_reason,
  decidedBy: row.decided_by,
  ...(row.record_format === 'compact' ? { recordFormat: 'compact' as const } : {}),
})

export const ledgerEntryEntity = (row: {
  id: string
  decision_id: string
  ledger: string
  key: string
  kind: string
  amount: string | null
  item?: string | null
  period_from?: string | null
  period_to?: string | null
}): LedgerEntryEntity => ({
  id: String(row.id),
  decisionId: row.decision_id,
  ledger: row.ledger,
  key: row.key,
  kind: row.kind,
  amount: row.amount,
  ...(row.item != null ? { item: row.item } : {}),
  ...(row.period_from != null && row.period_to != null
    ? { period: { from: row.period_from, to: row.period_to } }
    : {}),
})

export const entityHash = (entity: ApplicationEntity | DecisionEntity | LedgerEntryEntity | object): string =>
  hashCanonical(entity)
