// An instance older than the database refuses to write (README "Upgrading").
//
// Migrations change what rows mean: 2026-12-06T2100 re-keyed the ledgers with their letters upper-cased,
// and an instance of the version before, still running, looked keys up as written ("nerc-1") and would
// have granted the platform again beside "NERC-1". The README asked to stop every instance before
// upgrading; nothing enforced it. Now every session of the service says which migrations it was built
// with — `incentives.generation`, the name of the newest migration it knows, set as each connection
// opens (src/db/database.ts SESSION_SETTINGS) — and inserting a decision or a ledger entry from a
// session whose generation is older than the newest migration the database has run fails with
// SQLSTATE 55000, "outdated instance": that request answers 503, nothing of it is written. A session of
// a newer version (one about to migrate) may write. Instances of versions before this migration set no
// generation: they stop writing as soon as it has run. Statement triggers: once per INSERT statement,
// whatever its rows. Runs unchanged on PGlite and PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // SECURITY DEFINER: the service's role (incentives_app) needs no grant on kysely_migration. Names
  // compare byte by byte (collate "C"), as the migrator orders them.
  await sql`
    create function refuse_outdated_instance() returns trigger
    language plpgsql security definer set search_path = pg_catalog, public as $$
    declare
      mine text := nullif(current_setting('incentives.generation', true), '');
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
    end $$`.execute(db)
  for (const table of ['decisions', 'ledger_entries'])
    await sql`create trigger ${sql.id(`${table}_instance_generation`)} before insert on ${sql.id(table)}
      for each statement execute function refuse_outdated_instance()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['decisions', 'ledger_entries'])
    await sql`drop trigger ${sql.id(`${table}_instance_generation`)} on ${sql.id(table)}`.execute(db)
  await sql`drop function refuse_outdated_instance()`.execute(db)
}
