// References among the rows one stored decision writes are no longer foreign keys (issue #10,
// "reduce the stored size by ≥ 3×" and "POST /v1/applications ≥ 0.25 × a single-row INSERT").
//
// Measured with bench/storage.ts before this migration (its WAL by relation, pg_waldump): every
// stored application wrote, besides its rows, a row-lock WAL record on each parent a foreign key
// checked — its decision (locked by the outcomes, the ineligible row and the ledger entries), its
// application (locked by the decision and the outcome rows) and the caller's API key (locked by the
// application, the decision and the idempotency key): about 170 B of WAL per application in three
// records. The API key lock is also a point every writer meets: concurrent transactions share one
// row, so each lock on it is a MultiXact and an exclusive lock on that key's heap page.
//
// What those keys checked holds without them:
// - The parents cannot go away. applications, decisions, decision_outcomes, decision_ineligible and
//   ledger_entries are append-only (triggers refuse UPDATE of their facts, DELETE and TRUNCATE;
//   migration 2026-11-29T1300 gives the service's role no DELETE), and this migration takes DELETE
//   and TRUNCATE on api_keys from that role too: a key is revoked (revoked_at), never deleted, and
//   no code of the service deletes one.
// - The children name the right parent: they are written by store_decision and store_decisions in
//   the statement that writes the parent, from the ids that statement generated; the caller's key
//   id is the authenticated key's. test/db/references.test.ts checks, after concurrent writes of
//   every kind (applications, corrections, batches, budgets), that no row names a missing parent,
//   and the fault suite checks it after its kills (test/helpers/references.ts).
//
// Kept: the references of rows written outside one decision (batches, budget fundings, API keys'
// creators) and a correction's `supersedes` (rare, and it must name an existing decision the caller
// chose). Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

/** [table, constraint, column, parent table] */
export const DROPPED: readonly (readonly [string, string, string, string])[] = [
  ['applications', 'applications_submitted_by_fkey', 'submitted_by', 'api_keys'],
  ['idempotency_keys', 'idempotency_keys_caller_key_id_fkey', 'caller_key_id', 'api_keys'],
  ['decisions', 'decisions_decided_by_fkey', 'decided_by', 'api_keys'],
  ['decisions', 'decisions_application_id_fkey', 'application_id', 'applications'],
  ['decision_outcomes', 'decision_outcomes_application_id_fkey', 'application_id', 'applications'],
  ['decision_outcomes', 'decision_outcomes_decision_id_fkey', 'decision_id', 'decisions'],
  ['decision_ineligible', 'decision_ineligible_application_id_fkey', 'application_id', 'applications'],
  ['decision_ineligible', 'decision_ineligible_decision_id_fkey', 'decision_id', 'decisions'],
  ['ledger_entries', 'ledger_entries_decision_id_fkey', 'decision_id', 'decisions'],
  ['ledger_once', 'ledger_once_decision_id_fkey', 'decision_id', 'decisions'],
  ['ledger_periods', 'ledger_periods_decision_id_fkey', 'decision_id', 'decisions'],
  ['budget_queue', 'budget_queue_decision_id_fkey', 'decision_id', 'decisions'],
]

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, constraint] of DROPPED) {
    await sql.raw(`alter table ${table} drop constraint ${constraint}`).execute(db)
  }
  await sql.raw(`revoke delete, truncate on api_keys from ${APP_ROLE}`).execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`grant delete on api_keys to ${APP_ROLE}`).execute(db)
  for (const [table, constraint, column, parent] of DROPPED) {
    await sql
      .raw(
        `alter table ${table} add constraint ${constraint} foreign key (${column}) references ${parent} (id)`,
      )
      .execute(db)
  }
}
