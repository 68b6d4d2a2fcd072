// The generation travels in `application_name`, which connection poolers keep (README "Upgrading").
//
// 2026-12-07T0400 read an instance's generation from a custom setting, `incentives.generation`, set as
// each connection opens. A pooler in transaction mode (PgBouncer `pool_mode = transaction`) lends a
// client a different server connection for each transaction and does not carry custom settings over:
// once PgBouncer had recycled its server connections (server_idle_timeout, 10 minutes by default, or
// a RECONNECT), every decision of an up-to-date instance was refused as "outdated", and stayed refused.
// PgBouncer, like other poolers, does carry `application_name` (a reported setting): it sets the
// client's value on whatever server connection serves it. So every session now names itself
// `incentives@<newest migration it knows>` (src/db/database.ts SESSION_SETTINGS), and the guard
// reads the generation from there. A session named otherwise — an instance of a version before this
// one, psql, another program — inserts no decision and no ledger entry, as one that said no
// generation did before. Names compare byte by byte (collate "C"), as the migrator orders them.
// Frozen once landed.

import { type Kysely, sql } from 'kysely'

const guard = (generation: string) => sql`
  create or replace function refuse_outdated_instance() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public as $$
  declare
    mine text := ${sql.raw(generation)};
    newest text;
  begin
    select max(name collate "C") into newest from kysely_migration;
    if mine is null or mine collate "C" < newest then
      raise exception using
        errcode = '55000',
        message = format('outdated instance: built for migration %s, the database has run %s',
                         coalesce(mine, '(none)'), newest),
        hint = 'Restart this instance with the version that ran the newest migration.';
    end if;
    return null;
  end $$`

export async function up(db: Kysely<unknown>): Promise<void> {
  await guard(`substring(current_setting('application_name') from '^incentives@(.+)$')`).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await guard(`nullif(current_setting('incentives.generation', true), '')`).execute(db)
}
