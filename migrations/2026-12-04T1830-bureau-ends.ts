// The finance bureau's loose ends (issue #11):
// - batches may be `cancelled` (POST /v1/batches/{id}/cancel): the rows its committed chunks decided
//   stay decided, the rest are not decided, and it can be retried like a failed batch;
// - budget_fundings: a budget whose queue a top-up is still funding, one row per budget, written in
//   the transaction of the top-up's first chunk and deleted in the chunk that finds the queue done.
//   The funding job (src/batches/queue.ts) continues from it, and after a crash the sweep (or the
//   next start, on PGlite) finds it and resumes; whose key and role the corrections are audited under.
//
// Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table batches drop constraint batches_status_check,
      add constraint batches_status_check
        check (status in ('receiving', 'queued', 'running', 'done', 'failed', 'cancelled'))`.execute(db)
  await sql`
    create table budget_fundings (
      key text primary key,
      subject jsonb not null,
      requested_by uuid not null references api_keys (id),
      requested_role text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant select, insert, update, delete on budget_fundings to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists budget_fundings`.execute(db)
  // A cancelled batch was stopped by the bureau: before this migration, the nearest is failed.
  await sql`
    update batches set status = 'failed', error = coalesce(error, 'cancelled')
    where status = 'cancelled'`.execute(db)
  await sql`
    alter table batches drop constraint batches_status_check,
      add constraint batches_status_check
        check (status in ('receiving', 'queued', 'running', 'done', 'failed'))`.execute(db)
}
