// Batches (issue #11 "Batches"): a file of applications uploaded by the finance bureau, decided by
// workers chunk by chunk. `batches` is the batch and its progress; `batch_inputs` holds each row as
// uploaded (its facts, or why it could not be read); `batch_results` is written by the worker in the
// same transaction as the row's decision, so a row is either decided and recorded, or neither — a
// killed worker's batch resumes at `next_row` with nothing lost and nothing decided twice.
//
// A submitted batch is identified by the SHA-256 of its bytes (`content_hash`, unique among
// submitted batches): uploading the same file again finds the first batch instead of granting
// twice. Each submitted row's idempotency key is `<content_hash>:<row>` (`row_key`, unique).
//
// Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table batches (
      id uuid primary key,
      seq bigint generated always as identity unique,
      mode text not null check (mode in ('dry-run', 'submit')),
      format text not null check (format in ('csv', 'jsonl')),
      content_hash text,
      status text not null default 'receiving'
        check (status in ('receiving', 'queued', 'running', 'done', 'failed')),
      total_rows integer not null default 0,
      next_row integer not null default 1,
      rows_decided integer not null default 0,
      rows_failed integer not null default 0,
      outcome_counts jsonb not null default '{}'::jsonb,
      error text,
      submitted_by uuid not null references api_keys (id),
      submitted_role text not null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      updated_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db)
  await sql`
    create unique index batches_submit_identity on batches (content_hash)
      where mode = 'submit' and content_hash is not null`.execute(db)
  await sql`
    create table batch_inputs (
      batch_id uuid not null references batches (id) on delete cascade,
      row_no integer not null,
      facts jsonb,
      errors jsonb,
      primary key (batch_id, row_no),
      check ((facts is null) <> (errors is null))
    )`.execute(db)
  await sql`
    create table batch_results (
      batch_id uuid not null references batches (id) on delete cascade,
      row_no integer not null,
      status text not null check (status in ('decided', 'error')),
      row_key text unique,
      application_id uuid references applications (id),
      decision_id uuid references decisions (id),
      total_amount numeric(18, 2),
      outcomes jsonb,
      errors jsonb,
      primary key (batch_id, row_no)
    )`.execute(db)
  // The service role (migration 2026-11-29T1300) writes batches; results are insert-only for it.
  await sql.raw(`grant select, insert, update, delete on batches, batch_inputs to ${APP_ROLE}`).execute(db)
  await sql.raw(`grant select, insert on batch_results to ${APP_ROLE}`).execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists batch_results`.execute(db)
  await sql`drop table if exists batch_inputs`.execute(db)
  await sql`drop table if exists batches`.execute(db)
}
