// A dry run's would-be ledger claims, kept with its batch (issue #11 "dry-run evaluates every row
// against the ledgers as they stand"). A dry run writes nothing to the ledgers, yet its rows must see
// the claims of the rows before them, as a submit's would — across chunks too, and across a worker's
// restart. Each chunk writes here, in its own transaction (with its results and `next_row`), the
// claims its rows would have made, tagged with the chunk's first row; the next chunk reads those of
// its subjects with `from_row` below its own first row and adds them to the ledger as it stands.
// A chunk rolled back leaves none behind, so a retried or resumed batch never sees a claim twice.
//
// One row per claim of a one-time grant (`once`) or of rewarded days (`days`), in row order (`seq`);
// one per subject and chunk for a running total (`cumulative`: the chunk's claims summed); one per
// budget and chunk for the unfunded outcomes the chunk would have queued (`queued`).
// Deleted with the batch, and when its last chunk is done. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table batch_dry_claims (
      batch_id uuid not null references batches (id) on delete cascade,
      from_row integer not null,
      seq integer not null,
      ledger text not null,
      key text not null,
      kind text not null check (kind in ('cumulative', 'once', 'days', 'queued')),
      amount numeric(18, 2),
      item text,
      from_date date,
      to_date date,
      credit_code text,
      queued integer,
      -- One index, in the order a chunk reads them (a batch's claims on a subject) and a batch done
      -- deletes them (the batch's): a second index cost every insert its upkeep.
      primary key (batch_id, ledger, key, from_row, seq)
    )`.execute(db)
  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant select, insert, delete on batch_dry_claims to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists batch_dry_claims`.execute(db)
}
