// A submitted row's idempotency key, computed when the file is uploaded (issue #11: "uploading the
// same file again never grants twice"). The key of 2026-12-03T1610, `<file sha256>:<row>`, only
// recognised byte-identical files: a file re-saved (line ends, BOM, header language), a bad row
// corrected, or rows added made new keys, and their rows were granted again. The key is now
// `application:<sha256 of the application's canonical JSON>:<n>`, n counting the same application
// within the file (so two identical rows of one file stay two applications, as if posted alone
// twice), stored with the row as uploaded; the worker stores it in batch_results.row_key (unique)
// with the row's decision. Rows uploaded before this migration have none and keep the old key.
//
// Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table batch_inputs add column row_key text`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table batch_inputs drop column if exists row_key`.execute(db)
}
