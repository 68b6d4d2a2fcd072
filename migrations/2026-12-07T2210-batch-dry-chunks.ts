// A dry run's would-be claims kept as one row per chunk (issue #11 "Speed"): the chunk's claims in row
// order, as one JSON array, where batch_dry_claims (2026-12-04T1840) held a row per claim.
//
// Since the worker holds its dry run's claims in memory between chunks (src/batches/
// dry-claims-memory.ts), the table is read only when a worker picks up a batch it did not run last,
// and then whole: all the claims of the chunks before a row, in order. A row per claim, indexed by
// subject for the by-subject reads that no longer happen, cost every chunk an index entry per claim:
// a 20 000-row dry run in process spent 7.2–7.8 µs a row inserting them, 2.0–3.0 µs as one row per
// chunk (its job 90.6, 90.7, 92.4 µs a row against 87.5, 87.8, 82.8, alternating; BENCHMARKS.md).
//
// The claims of dry runs under way are carried over (each chunk's, in `seq` order), so a batch
// running across the upgrade decides the same. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

/** The service's role (when this server has it) reads, writes and deletes the table's rows. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
const grantToApp = (db: Kysely<any>, table: string) =>
  sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant select, insert, delete on ${table} to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table batch_dry_chunks (
      batch_id uuid not null references batches (id) on delete cascade,
      from_row integer not null,
      -- [{ledger, key, kind, amount, item, from, to, creditCode, queued}, ...] in row order; the
      -- amount in yuan with two decimals (a string), the dates YYYY-MM-DD
      claims text not null,
      primary key (batch_id, from_row)
    )`.execute(db)
  await sql`
    insert into batch_dry_chunks (batch_id, from_row, claims)
    select batch_id, from_row,
           json_agg(json_build_object('ledger', ledger, 'key', key, 'kind', kind, 'amount', amount::text,
                                      'item', item, 'from', from_date::text, 'to', to_date::text,
                                      'creditCode', credit_code, 'queued', queued) order by seq)::text
    from batch_dry_claims
    group by batch_id, from_row`.execute(db)
  await sql`drop table batch_dry_claims`.execute(db)
  await grantToApp(db, 'batch_dry_chunks')
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
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
      primary key (batch_id, ledger, key, from_row, seq)
    )`.execute(db)
  await sql`
    insert into batch_dry_claims (batch_id, from_row, seq, ledger, key, kind, amount, item, from_date, to_date,
                                  credit_code, queued)
    select c.batch_id, c.from_row, (x.seq - 1)::integer, x.ledger, x.key, x.kind, x.amount, x.item, x."from",
           x."to", x."creditCode", x.queued
    from batch_dry_chunks c
    cross join lateral rows from (
      json_to_recordset(c.claims::json) as (ledger text, key text, kind text, amount numeric, item text,
                                            "from" date, "to" date, "creditCode" text, queued integer)
    ) with ordinality as x(ledger, key, kind, amount, item, "from", "to", "creditCode", queued, seq)`.execute(
    db,
  )
  await sql`drop table batch_dry_chunks`.execute(db)
  await grantToApp(db, 'batch_dry_claims')
}
