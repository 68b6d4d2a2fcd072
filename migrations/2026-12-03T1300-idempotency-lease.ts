// An Idempotency-Key in progress carries a lease: the process working on it renews the lease while
// it works, and a retry may reclaim a key whose lease ran out (its process crashed, its transaction
// is gone) instead of answering 409 until the key expires 48 hours later. The claim token names
// the claim: completing a key checks it, so a process that lost its claim to a retry cannot also
// store the request (exactly once).
//
// Existing rows, and rows written by an instance still running the previous version during a
// rolling deploy, get a five-minute lease from the default. Frozen once landed; runs unchanged on
// PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table idempotency_keys
      add column claim_token uuid,
      add column lease_expires_at timestamptz not null default (now() + interval '5 minutes')`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table idempotency_keys
      drop column lease_expires_at,
      drop column claim_token`.execute(db)
}
