// A budget queue's place survives a correction with corrected facts (README "Budgets").
//
// The queue is in submission order: by the application's seq. A correction with corrected facts
// stores a new application, so its unfunded outcome went behind every application submitted since:
// an adversary's probe saw A (submitted first, corrected to a smaller amount that the budget could
// pay) wait behind B. `place_seq` is the place a queued outcome keeps: the seq of the first
// application of its chain of corrections (null: its own application's, as every row before this
// migration and every row of a batch, which never corrects). Rows already queued keep their order.
// Runs unchanged on PGlite and PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table budget_queue add column place_seq bigint`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table budget_queue drop column place_seq`.execute(db)
}
