// Budget pools (POLICY.md §3, our addition). A budget itself is a ledger subject (ledger 'budget':
// total = drawn, cap = the amount set), so it is locked, drawn and refused beyond its amount by the
// ledger machinery already in place. Two append-only tables come with it:
// - budget_changes: every amount set by the finance bureau, with its note and who set it (each row
//   is audited as entity budget-change:<id>);
// - budget_queue: the unfunded outcomes, one row per decision and measure, with the budget that
//   left them unfunded. A row leaves the queue when its decision is superseded (a top-up's
//   correction), so the table is never updated: the queue is the rows of current decisions.
//
// Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'
const TABLES = ['budget_changes', 'budget_queue']

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table budget_changes (
      id bigint generated always as identity primary key,
      year integer not null,
      measure text not null,
      prefecture text,
      key text not null,
      amount numeric(18, 2) not null check (amount >= 0),
      previous_amount numeric(18, 2),
      note text,
      changed_by uuid not null,
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index budget_changes_key on budget_changes (key, id)`.execute(db)
  await sql`
    create table budget_queue (
      decision_id uuid not null references decisions (id),
      measure text not null,
      key text not null,
      amount numeric(18, 2) not null check (amount > 0),
      primary key (decision_id, measure)
    )`.execute(db)
  await sql`create index budget_queue_key on budget_queue (key)`.execute(db)
  for (const table of TABLES) {
    await sql
      .raw(`create trigger ${table}_append_only before update or delete on ${table}
            for each row execute function refuse_change()`)
      .execute(db)
    await sql
      .raw(`create trigger ${table}_no_truncate before truncate on ${table}
            for each statement execute function refuse_change()`)
      .execute(db)
    await sql.raw(`revoke update, delete, truncate on ${table} from public`).execute(db)
  }
  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant select, insert on budget_changes, budget_queue to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists budget_queue`.execute(db)
  await sql`drop table if exists budget_changes`.execute(db)
  await sql`delete from ledger_subjects where ledger = 'budget'`.execute(db)
}
