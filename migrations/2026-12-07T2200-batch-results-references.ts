// A batch's result rows no longer check their references as foreign keys, and only a submitted row's
// key is indexed (issue #11 "Speed": a dry run stores only its results, one row per row of the file).
//
// Measured on PostgreSQL 15 (BENCHMARKS.md, sixteenth session): 500 result rows as a chunk writes them
// took 7.5 ms with the keys and the full unique index, 5.3 ms without (three foreign-key triggers per
// row, two of them on null ids, and an index entry for every dry-run row's null key); a dry run's job,
// 87 µs a row before, 82 µs after, in alternating runs.
//
// What the keys checked holds without them (the argument of migration 2026-12-05T1900):
// - batch_id: results are written only by a chunk of their batch (src/batches/run.ts), in the
//   transaction that holds the batch's row lock, so the batch exists and stays; a batch is deleted only
//   while it has no result (deleteBatch: a refused or duplicate upload), and the service's role may
//   not delete a result (it has select and insert on batch_results only, since 2026-12-03T1610).
// - application_id, decision_id: the ids store_decisions generated in the same transaction, or those
//   of an earlier result (a row already submitted); applications and decisions are append-only.
// test/db/references.test.ts checks, after writes of every kind, that no result names a missing batch,
// application or decision, and the fault suite checks it after its kills (test/helpers/references.ts).
//
// row_key stays unique among the rows that have one (a submitted row's idempotency key); a dry run's
// rows and error rows have none. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

/** [table, constraint, column, parent table] */
export const DROPPED: readonly (readonly [string, string, string, string])[] = [
  ['batch_results', 'batch_results_batch_id_fkey', 'batch_id', 'batches'],
  ['batch_results', 'batch_results_application_id_fkey', 'application_id', 'applications'],
  ['batch_results', 'batch_results_decision_id_fkey', 'decision_id', 'decisions'],
]

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, constraint] of DROPPED) {
    await sql.raw(`alter table ${table} drop constraint ${constraint}`).execute(db)
  }
  await sql`alter table batch_results drop constraint batch_results_row_key_key`.execute(db)
  await sql`
    create unique index batch_results_row_key_key on batch_results (row_key) where row_key is not null`.execute(
    db,
  )
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index batch_results_row_key_key`.execute(db)
  await sql`alter table batch_results add constraint batch_results_row_key_key unique (row_key)`.execute(db)
  await sql`
    alter table batch_results
      add constraint batch_results_batch_id_fkey foreign key (batch_id) references batches (id) on delete cascade,
      add constraint batch_results_application_id_fkey foreign key (application_id) references applications (id),
      add constraint batch_results_decision_id_fkey foreign key (decision_id) references decisions (id)`.execute(
    db,
  )
}
