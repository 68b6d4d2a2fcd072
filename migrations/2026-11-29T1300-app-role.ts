// The role the service runs as (DATABASE_ROLE=incentives_app): it may read everything and write
// what the service writes, but it holds no UPDATE, DELETE or TRUNCATE privilege on the append-only
// tables (audit_log, applications, decisions, decision_outcomes, ledger_entries). Together with the
// triggers of the initial migration, a change to the audit log needs both a superuser and an
// explicit act of disabling triggers — which the hash chain then exposes.
//
// Roles are shared by every database of a server, so creating it tolerates "already exists"
// (several databases migrated at once, as the test suite does).

import { type Kysely, sql } from 'kysely'

export const APP_ROLE = 'incentives_app'

const APPEND_ONLY = ['audit_log', 'applications', 'decisions', 'decision_outcomes', 'ledger_entries']
const WRITABLE = ['api_keys', 'ledger_subjects', 'ledger_once', 'idempotency_keys', 'audit_head']

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `do $$ begin
         create role ${APP_ROLE} nologin;
       exception when duplicate_object or unique_violation then null;
       end $$`,
    )
    .execute(db)
  await sql.raw(`grant usage on schema public to ${APP_ROLE}`).execute(db)
  for (const table of APPEND_ONLY) {
    await sql.raw(`grant select, insert on ${table} to ${APP_ROLE}`).execute(db)
    await sql.raw(`revoke update, delete, truncate on ${table} from ${APP_ROLE}`).execute(db)
  }
  for (const table of WRITABLE) {
    await sql.raw(`grant select, insert, update, delete on ${table} to ${APP_ROLE}`).execute(db)
  }
  await sql.raw(`grant execute on function audit_append(jsonb) to ${APP_ROLE}`).execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...APPEND_ONLY, ...WRITABLE]) {
    await sql.raw(`revoke all on ${table} from ${APP_ROLE}`).execute(db)
  }
  await sql.raw(`revoke all on function audit_append(jsonb) from ${APP_ROLE}`).execute(db)
  await sql.raw(`revoke usage on schema public from ${APP_ROLE}`).execute(db)
  // The role itself may serve other databases of the server: it is left in place.
}
