// Batch results stored lean (issue #11 "Speed"): a result row keeps its outcomes' measures, statuses,
// amounts (in fen) and reason codes, as compact JSON text in `outcome_codes` (about 400 B for twelve
// outcomes, where the jsonb `outcomes` with the texts took 2.8 kB before compression and a jsonb of
// the same codes over 1 kB: jsonb spends a header and a numeric on every element); each reason's texts (zh, en — the engine's message for that
// case, with its figures) are kept once per batch in `batch_reason_texts` and the row refers to them
// by their index, so a 10 000-row batch whose rows give the same few dozen reasons stores them once,
// not 10 000 times. Results are rendered from both when read (src/db/batches-repository.ts);
// rows stored before this migration keep their texts in the row and read as they did.
//
// Texts are appended under the batch's row lock (every chunk of a batch locks the batch row first),
// so a batch's indexes are dense and never taken twice; they are written in the chunk's transaction,
// so a chunk rolled back leaves no text behind. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table batch_reason_texts (
      batch_id uuid not null references batches (id) on delete cascade,
      idx integer not null,
      zh text not null,
      en text not null,
      primary key (batch_id, idx)
    )`.execute(db)
  await sql`alter table batch_results add column outcome_codes text`.execute(db)
  // Looked up by text when a chunk stores its results (the texts' hash: a B-tree entry stays small
  // whatever a text's length).
  await sql`
    create index batch_reason_texts_text on batch_reason_texts (batch_id, md5(zh || E'\\n' || en))`.execute(
    db,
  )
  // Insert-only for the service role, like the results that refer to them.
  await sql.raw(`grant select, insert on batch_reason_texts to ${APP_ROLE}`).execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table batch_results drop column if exists outcome_codes`.execute(db)
  await sql`drop table if exists batch_reason_texts`.execute(db)
}
