// Every table, as Kysely sees it. Row types stay inside src/db: repositories map them to domain
// objects. numeric and int8 columns arrive as strings on both drivers (see database.ts).

import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, never>
/** jsonb: written as a JSON string, read back as a value */
type Json<T = unknown> = ColumnType<T, string, never>
/** numeric and bigint: strings both ways, so amounts stay exact */
type Numeric = ColumnType<string, string, string>
type IdentitySeq = ColumnType<string, never, never>

export interface ApiKeysTable {
  id: Generated<string>
  prefix: string
  secret_hash: string
  role: 'enterprise' | 'finance' | 'auditor' | 'admin'
  enterprise_credit_code: string | null
  label: Generated<string>
  created_at: Timestamp
  created_by: string | null
  revoked_at: ColumnType<Date | null, never, Date | string>
}

export interface ApplicationsTable {
  id: string
  seq: IdentitySeq
  enterprise_credit_code: string
  project_id: string | null
  application_date: ColumnType<string, string, never>
  facts: Json
  input_hash: string
  submitted_by: string
  created_at: Timestamp
}

export interface DecisionsTable {
  id: string
  seq: IdentitySeq
  application_id: string
  ruleset_id: string
  ruleset_version: string
  as_of: ColumnType<string, string, never>
  total_amount: Numeric
  /**
   * The record's JSON as text (migration 2026-12-04T1810-lean-outcomes: it is read whole, never
   * queried in SQL, and text compresses a third smaller than jsonb); decisionEntity parses it.
   */
  evaluation: Json<string>
  /** 'full' (stored before 2026-12-03T1545) or 'compact' (the engine's compact record) */
  record_format: ColumnType<string, string | undefined, never>
  /** a full evaluation's parametersUsed; null with a compact record */
  parameters: Json | null
  history: Json
  supersedes: string | null
  correction_reason: string | null
  decided_by: string
  decision_hash: string
  created_at: Timestamp
}

export interface DecisionOutcomesTable {
  decision_id: string
  measure: string
  status: string
  amount: Numeric | null
  // The report's columns (migration 2026-12-03T1620-grant-report): written with the outcome.
  application_id: string
  /** facts /project/prefecture; null without a project */
  prefecture: string | null
  /** year of the application date */
  year: number
  application_date: ColumnType<string, string, never>
  amount_due: Numeric
  amount_paid: Numeric
  amount_unfunded: Numeric
  /** false once a correction supersedes the decision (set by a trigger, never by the service) */
  current: ColumnType<boolean, boolean, never>
}

/**
 * A decision's plain ineligible outcomes (status ineligible, amount null), one row per decision
 * (migration 2026-12-04T1810-lean-outcomes): `measures` has the bit of each (outcome_measures).
 */
export interface DecisionIneligibleTable {
  decision_id: string
  application_id: string
  prefecture: string | null
  year: number
  application_date: ColumnType<string, string, never>
  /** OR of 1 << outcome_measures.bit; int8 */
  measures: ColumnType<string, string, never>
  current: ColumnType<boolean, boolean, never>
}

/** The frozen bit of each measure in decision_ineligible.measures (src/engine/record-codes.ts order). */
export interface OutcomeMeasuresTable {
  bit: number
  measure: string
}

export interface LedgerSubjectsTable {
  ledger: string
  key: string
  /** the typed subject (src/engine/ledgers.ts LedgerSubject) */
  subject: Json | null
  total: ColumnType<string, string | undefined, string>
  cap: Numeric | null
}

export interface LedgerOnceTable {
  ledger: string
  key: string
  /** the tier, year, or '' for the identifier itself */
  item: ColumnType<string, string | undefined, string>
  decision_id: string
  credit_code: string | null
  amount: Numeric | null
}

export interface LedgerPeriodsTable {
  ledger: string
  key: string
  from_date: ColumnType<string, string, never>
  to_date: ColumnType<string, string, never>
  decision_id: string
  credit_code: string | null
}

export interface LedgerEntriesTable {
  id: IdentitySeq
  decision_id: string
  ledger: string
  key: string
  kind: 'cumulative' | 'once' | 'days' | 'reversal'
  amount: Numeric | null
  /** once: the item; days: null (rows before 2026-12-03: null) */
  item: string | null
  period_from: ColumnType<string | null, string | null | undefined, never>
  period_to: ColumnType<string | null, string | null | undefined, never>
  created_at: Timestamp
}

/** How a stored decision's response is rendered again for a retry (migration 2026-12-03T1700). */
export interface ResponseReplay {
  /** the decision the response shows (with its application) */
  decision: string
  explain: 'summary' | 'full'
  /** the first request's language: the retry's body and Content-Language are in it */
  language: 'zh-CN' | 'en'
}

export interface IdempotencyKeysTable {
  caller_key_id: string
  key: string
  /** 32 bytes (migration 2026-12-04T1850); read as hex with encode(request_hash, 'hex') */
  request_hash: Uint8Array
  state: 'in-progress' | 'done'
  response_status: number | null
  response_body: string | null
  /** what a retry's response is rendered from (migration 2026-12-03T1700); null when the body is stored */
  response_replay: ColumnType<ResponseReplay | null, never, never>
  created_at: Timestamp
  expires_at: ColumnType<Date, Date | string, Date | string>
  /** names the current claim of an in-progress key (null on rows written before leases) */
  claim_token: string | null
  /** an in-progress key whose lease has passed may be reclaimed by a retry */
  lease_expires_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface AuditLogTable {
  seq: ColumnType<string, never, never>
  /** timestamptz (migration 2026-12-04T1850); read as Date#toISOString text with to_char, written as such */
  at: string
  actor_key_id: string
  actor_role: string
  action: string
  entity_type: string
  entity_id: string
  /** the 32 bytes of each hash (migration 2026-12-04T1850); read as hex with encode(x, 'hex') */
  entity_hash: Uint8Array
  prev_hash: Uint8Array
  entry_hash: Uint8Array
}

export interface AuditHeadTable {
  id: number
  seq: Numeric
  /** 32 bytes, as audit_log's hashes */
  hash: Uint8Array
}

export interface BudgetChangesTable {
  id: IdentitySeq
  year: number
  measure: string
  prefecture: string | null
  key: string
  amount: Numeric
  previous_amount: Numeric | null
  note: string | null
  changed_by: string
  created_at: Timestamp
}

export interface BudgetQueueTable {
  decision_id: string
  measure: string
  key: string
  amount: Numeric
  /** the seq of the first application of the decision's chain of corrections (2026-12-06T0700); null: its own */
  place_seq: Generated<string | null>
}

/** A batch's status; `cancelled` from migration 2026-12-04T1830. */
type BatchStatusColumn = 'receiving' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled'

export interface BatchesTable {
  id: string
  seq: IdentitySeq
  mode: 'dry-run' | 'submit'
  format: 'csv' | 'jsonl' | 'xlsx'
  content_hash: string | null
  status: ColumnType<BatchStatusColumn, BatchStatusColumn | undefined, BatchStatusColumn>
  total_rows: ColumnType<number, number | undefined, number>
  next_row: ColumnType<number, number | undefined, number>
  rows_decided: ColumnType<number, number | undefined, number>
  rows_failed: ColumnType<number, number | undefined, number>
  /** outcomes of the decided rows by status: { eligible: n, … } */
  outcome_counts: ColumnType<Record<string, number>, string | undefined, string>
  error: string | null
  /** a CSV file's header for each column path (migration 2026-12-07T0300); null: JSON Lines, or older */
  column_names: ColumnType<Record<string, string> | null, never, string | null>
  submitted_by: string
  submitted_role: string
  created_at: Timestamp
  started_at: ColumnType<Date | null, never, Date | string>
  updated_at: ColumnType<Date, never, Date | string>
  finished_at: ColumnType<Date | null, never, Date | string>
}

export interface BatchInputsTable {
  batch_id: string
  row_no: number
  facts: Json | null
  errors: Json | null
  /** submit: the row's idempotency key (migration 2026-12-03T1720); null for older rows */
  row_key: string | null
}

export interface BatchResultsTable {
  batch_id: string
  row_no: number
  status: 'decided' | 'error'
  row_key: string | null
  application_id: string | null
  decision_id: string | null
  total_amount: Numeric | null
  outcomes: Json | null
  /** lean outcomes (JSON text, src/db/batches-repository.ts), migration 2026-12-04T1820 */
  outcome_codes: string | null
  errors: Json | null
}

/** A budget whose queue a top-up is still funding (migration 2026-12-04T1830). */
export interface BudgetFundingsTable {
  key: string
  subject: ColumnType<unknown, string, string>
  requested_by: string
  requested_role: string
  created_at: Timestamp
  updated_at: ColumnType<Date, never, Date | string>
}

export interface BatchReasonTextsTable {
  batch_id: string
  idx: number
  zh: string
  en: string
}

/**
 * A dry run's would-be ledger claims, one row per chunk (migration 2026-12-07T2210,
 * src/db/dry-claims-repository.ts): `claims` is the JSON array of the chunk's DryClaim, in row order.
 */
export interface BatchDryChunksTable {
  batch_id: string
  from_row: number
  claims: string
}

export interface Database {
  batches: BatchesTable
  batch_inputs: BatchInputsTable
  batch_results: BatchResultsTable
  batch_reason_texts: BatchReasonTextsTable
  batch_dry_chunks: BatchDryChunksTable
  api_keys: ApiKeysTable
  applications: ApplicationsTable
  decisions: DecisionsTable
  decision_outcomes: DecisionOutcomesTable
  decision_ineligible: DecisionIneligibleTable
  outcome_measures: OutcomeMeasuresTable
  /** the view of every outcome, one row each: decision_outcomes and decision_ineligible unfolded */
  decision_outcomes_all: DecisionOutcomesTable
  ledger_subjects: LedgerSubjectsTable
  ledger_once: LedgerOnceTable
  ledger_periods: LedgerPeriodsTable
  ledger_entries: LedgerEntriesTable
  idempotency_keys: IdempotencyKeysTable
  audit_log: AuditLogTable
  audit_head: AuditHeadTable
  budget_changes: BudgetChangesTable
  budget_queue: BudgetQueueTable
  budget_fundings: BudgetFundingsTable
}
