// A batch remembers the column names its CSV file used (README "For the finance bureau").
//
// A row error found at upload names the column as the file wrote it ("项目投资额" in a file with Chinese
// headers); a row error found later, when the engine decides the row (a tax record straddling the date
// a tax share changed, say), named the column by its English path ("project.taxRecords"), as the job
// no longer had the file's header. `column_names` maps each column's path to its header in the file;
// null for JSON Lines and for batches uploaded before this migration (their errors keep the path).
// Runs unchanged on PGlite and PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table batches add column column_names jsonb`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table batches drop column column_names`.execute(db)
}
