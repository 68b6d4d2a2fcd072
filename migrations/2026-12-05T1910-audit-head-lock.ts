// audit_append serialises its callers with a transaction advisory lock instead of a row lock on
// audit_head, and a correction's unique `supersedes` is a partial index (issue #10, "reduce the
// stored size by ≥ 3×"). Measured with bench/storage.ts (WAL by relation, pg_waldump) before this
// migration, per stored application:
// - audit_head: two WAL records, 166 B. `select … for update` writes a row-lock record before the
//   update writes the new head. An advisory lock is held in memory: one record, the update's.
// - decisions_supersedes_key: 65 B. A unique constraint indexes every decision, yet only a
//   correction has a `supersedes`; the partial index holds corrections alone. It keeps the name, so
//   a second correction of one decision is still refused as a violation of decisions_supersedes_key
//   (src/db/decisions-repository.ts), and `supersedes = x` still finds the correction through it.
//
// Why the advisory lock is as safe as the row lock. Every writer of the chain is audit_append, and
// each takes the same lock (pg_advisory_xact_lock(AUDIT_LOCK), the two-integer form: a key space of
// its own, apart from the bigint keys of src/db/batches-repository.ts lockRowKeys and the migrator's),
// held to the end of its transaction as the row lock was. In READ COMMITTED the head is then read by a
// statement that starts after the previous holder committed, so it is the latest. A caller in
// REPEATABLE READ could read a head older than its lock: its first entry then takes a seq that is
// already taken, which audit_log's primary key refuses (23505; test/db/audit-concurrency.test.ts),
// and were it not, the head update names the seq it read and, the head having moved, is refused as
// a concurrent update (40001) or raises on finding no row. A chain never forks silently.
//
// audit_append is rewritten from its own current definition (pg_get_functiondef) with two checked
// replacements rather than a copy that could drift from it; the migration stops if either text is
// not found exactly once. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

/** The advisory lock of the audit chain: pg_advisory_xact_lock(int, int), "audit" in ASCII, then 1. */
const AUDIT_LOCK = '1635083369, 1'

const ROW_LOCK = 'select seq, hash into v_seq, v_hash from audit_head where id = 1 for update;'
const ADVISORY_LOCK = `perform pg_advisory_xact_lock(${AUDIT_LOCK});
      select seq, hash into v_seq, v_hash from audit_head where id = 1;`

const PLAIN_UPDATE = 'update audit_head set seq = v_seq, hash = v_hash where id = 1;'
const CHECKED_UPDATE = `update audit_head set seq = v_seq, hash = v_hash
      where id = 1 and seq = v_seq - jsonb_array_length(p_entries);
      if not found then
        raise exception 'audit_append: the head moved while it was held' using errcode = 'serialization_failure';
      end if;`

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
const rewriteAuditAppend = async (db: Kysely<any>, replacements: [string, string][]): Promise<void> => {
  const result = await sql<{ def: string }>`
    select pg_get_functiondef('audit_append(jsonb)'::regprocedure) as def`.execute(db)
  let def = result.rows[0]?.def ?? ''
  for (const [from, to] of replacements) {
    if (def.split(from).length !== 2)
      throw new Error(`audit-head-lock: audit_append does not hold ${from} exactly once`)
    def = def.replace(from, to)
  }
  await sql.raw(def).execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await rewriteAuditAppend(db, [
    [ROW_LOCK, ADVISORY_LOCK],
    [PLAIN_UPDATE, CHECKED_UPDATE],
  ])
  await sql`alter table decisions drop constraint decisions_supersedes_key`.execute(db)
  await sql`create unique index decisions_supersedes_key on decisions (supersedes) where supersedes is not null`.execute(
    db,
  )
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index decisions_supersedes_key`.execute(db)
  await sql`alter table decisions add constraint decisions_supersedes_key unique (supersedes)`.execute(db)
  await rewriteAuditAppend(db, [
    [ADVISORY_LOCK, ROW_LOCK],
    [CHECKED_UPDATE, PLAIN_UPDATE],
  ])
}
