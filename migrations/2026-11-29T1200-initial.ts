// The initial schema: API keys, applications and their immutable decisions, the ledger that holds
// limits across applications, idempotency records, and the append-only, hash-chained audit log.
// Frozen once landed: later changes are new migrations. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table api_keys (
      id uuid primary key default gen_random_uuid(),
      prefix text not null unique,
      secret_hash text not null,
      role text not null check (role in ('enterprise', 'finance', 'auditor', 'admin')),
      enterprise_credit_code text,
      label text not null default '',
      created_at timestamptz not null default now(),
      created_by uuid references api_keys (id),
      revoked_at timestamptz,
      check ((role = 'enterprise') = (enterprise_credit_code is not null))
    )`.execute(db)

  // Applications and decisions are never updated or deleted (triggers below): a correction is a
  // new decision that supersedes the old one.
  await sql`
    create table applications (
      id uuid primary key,
      seq bigint generated always as identity unique,
      enterprise_credit_code text not null,
      project_id text,
      application_date date not null,
      facts jsonb not null,
      input_hash text not null,
      submitted_by uuid not null references api_keys (id),
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index applications_enterprise on applications (enterprise_credit_code, seq)`.execute(db)
  await sql`create index applications_project on applications (project_id, seq)`.execute(db)

  await sql`
    create table decisions (
      id uuid primary key,
      seq bigint generated always as identity unique,
      application_id uuid not null references applications (id),
      ruleset_id text not null,
      ruleset_version text not null,
      as_of date not null,
      total_amount numeric(18, 2) not null,
      evaluation jsonb not null,
      parameters jsonb not null,
      history jsonb not null,
      supersedes uuid unique references decisions (id),
      correction_reason text,
      decided_by uuid not null references api_keys (id),
      decision_hash text not null,
      created_at timestamptz not null default now(),
      check ((supersedes is null) = (correction_reason is null))
    )`.execute(db)
  await sql`create index decisions_application on decisions (application_id, seq)`.execute(db)

  await sql`
    create table decision_outcomes (
      decision_id uuid not null references decisions (id),
      measure text not null,
      status text not null check (status in ('eligible', 'ineligible', 'capped', 'needs-review', 'unfunded')),
      amount numeric(18, 2),
      primary key (decision_id, measure)
    )`.execute(db)
  await sql`create index decision_outcomes_measure on decision_outcomes (measure, status)`.execute(db)

  // The ledger. A subject row is both the lock that serialises every application touching the same
  // limit (SELECT … FOR UPDATE, taken in key order) and, for cumulative limits, the running total
  // that a CHECK keeps within its cap even if the application logic were wrong.
  await sql`
    create table ledger_subjects (
      ledger text not null,
      key text not null,
      total numeric(18, 2) not null default 0 check (total >= 0),
      cap numeric(18, 2),
      primary key (ledger, key),
      check (cap is null or total <= cap)
    )`.execute(db)
  // One-time grants: the primary key makes "once" hold even without the lock.
  await sql`
    create table ledger_once (
      ledger text not null,
      key text not null,
      decision_id uuid not null references decisions (id),
      amount numeric(18, 2),
      primary key (ledger, key)
    )`.execute(db)
  // The journal of every ledger movement, reversals included (append-only).
  await sql`
    create table ledger_entries (
      id bigint generated always as identity primary key,
      decision_id uuid not null references decisions (id),
      ledger text not null,
      key text not null,
      kind text not null check (kind in ('cumulative', 'once', 'reversal')),
      amount numeric(18, 2),
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index ledger_entries_subject on ledger_entries (ledger, key)`.execute(db)

  await sql`
    create table idempotency_keys (
      caller_key_id uuid not null references api_keys (id),
      key text not null,
      request_hash text not null,
      state text not null check (state in ('in-progress', 'done')),
      response_status integer,
      response_body text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (caller_key_id, key)
    )`.execute(db)

  // The audit log: one entry per state change, written in the same transaction as the change.
  // entry_hash = SHA-256(prev_hash ‖ canonical JSON of the entry without entry_hash) (RFC 8785).
  await sql`
    create table audit_log (
      seq bigint primary key check (seq > 0),
      at text not null,
      actor_key_id text not null,
      actor_role text not null,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      entity_hash text not null,
      prev_hash text not null,
      entry_hash text not null unique
    )`.execute(db)
  await sql`create index audit_log_entity on audit_log (entity_type, entity_id)`.execute(db)
  await sql`
    create table audit_head (
      id integer primary key check (id = 1),
      seq bigint not null,
      hash text not null
    )`.execute(db)
  await sql`insert into audit_head (id, seq, hash) values (1, 0, repeat('0', 64))`.execute(db)

  // Appends entries in one statement, so the head lock is held for no client round trip: the
  // caller sends each entry's canonical JSON split around the two fields only the database knows
  // (prev_hash, seq): canonical = prefix || "prev_hash":"<h>","seq":<n> || suffix.
  await sql`
    create function audit_append(p_entries jsonb) returns bigint language plpgsql as $$
    declare
      v_seq bigint;
      v_hash text;
      v_entry_hash text;
      e jsonb;
    begin
      select seq, hash into v_seq, v_hash from audit_head where id = 1 for update;
      for e in select value from jsonb_array_elements(p_entries) loop
        v_seq := v_seq + 1;
        v_entry_hash := encode(sha256(convert_to(
          v_hash || (e ->> 'prefix') || '"prev_hash":"' || v_hash || '","seq":' || v_seq || (e ->> 'suffix'),
          'UTF8')), 'hex');
        insert into audit_log (seq, at, actor_key_id, actor_role, action, entity_type, entity_id, entity_hash,
                               prev_hash, entry_hash)
        values (v_seq, e ->> 'at', e ->> 'actor_key_id', e ->> 'actor_role', e ->> 'action',
                e ->> 'entity_type', e ->> 'entity_id', e ->> 'entity_hash', v_hash, v_entry_hash);
        v_hash := v_entry_hash;
      end loop;
      update audit_head set seq = v_seq, hash = v_hash where id = 1;
      return v_seq;
    end $$`.execute(db)

  // Append-only in the database: UPDATE, DELETE and TRUNCATE are refused for every role that has
  // not disabled the triggers (only a superuser can); privileges are revoked from PUBLIC as well.
  await sql`
    create function refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '% on % is not allowed: the table is append-only', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
    end $$`.execute(db)
  for (const table of ['audit_log', 'applications', 'decisions', 'decision_outcomes', 'ledger_entries']) {
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
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_head',
    'audit_log',
    'idempotency_keys',
    'ledger_entries',
    'ledger_once',
    'ledger_subjects',
    'decision_outcomes',
    'decisions',
    'applications',
    'api_keys',
  ]) {
    await sql.raw(`drop table if exists ${table} cascade`).execute(db)
  }
  await sql`drop function if exists audit_append(jsonb)`.execute(db)
  await sql`drop function if exists refuse_change()`.execute(db)
}
