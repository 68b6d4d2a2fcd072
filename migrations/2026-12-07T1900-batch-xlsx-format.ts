// A batch can be uploaded as the XLSX workbook GET /v1/batches/template.xlsx gives, filled in
// (src/batches/xlsx-rows.ts reads its first worksheet as the same file saved as CSV would be read).
// `batches.format` admits 'xlsx'. Runs unchanged on PGlite and PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table batches drop constraint batches_format_check,
      add constraint batches_format_check check (format in ('csv', 'jsonl', 'xlsx'))
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table batches drop constraint batches_format_check,
      add constraint batches_format_check check (format in ('csv', 'jsonl'))
  `.execute(db)
}
