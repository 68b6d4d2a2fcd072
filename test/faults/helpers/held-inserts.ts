// A write held half-way, for the fault tests that cut it there: a trigger sleeps (pg_sleep) before
// inserting a row whose text matches a pattern the test holds, so the statement, and the transaction
// around it, are open with part of their writes done when the fault strikes. Then: were they rolled
// back (rowCounts before and after), and is nothing left running (settled)?

import type pg from 'pg'
import type { Test } from 'tap'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface HeldInserts {
  /** inserts into the table whose text matches `pattern` (a case-insensitive regex) sleep 30 s */
  hold(pattern: string): Promise<void>
  /** no insert sleeps any more (the one already asleep sleeps on until it is cut) */
  release(): Promise<void>
}

/**
 * Installs the trigger on `table` (once per table). `text` is the SQL expression of the new row that
 * patterns are matched against, e.g. `new.correction_reason` or `new.ledger || ' ' || new.key`.
 */
export const holdInserts = async (db: pg.Pool, table: string, text: string): Promise<HeldInserts> => {
  await db.query('create table if not exists held_inserts (tbl text not null, pattern text not null)')
  await db.query(`
    create function held_${table}() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from held_inserts h where h.tbl = tg_table_name and (${text}) ~* h.pattern) then
        perform pg_sleep(30);
      end if;
      return new;
    end $$`)
  await db.query(
    `create trigger held_${table} before insert on ${table} for each row execute function held_${table}()`,
  )
  return {
    hold: async (pattern) => {
      await db.query('insert into held_inserts values ($1, $2)', [table, pattern])
    },
    release: async () => {
      await db.query('delete from held_inserts where tbl = $1', [table])
    },
  }
}

/** True once a backend of this database sleeps in a held insert (false after ~10 s). */
export const heldInsertSleeping = async (db: pg.Pool): Promise<boolean> => {
  for (let i = 0; i < 1000; i++) {
    const r = await db.query(
      `select 1 from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep'`,
    )
    if (r.rows.length > 0) return true
    await sleep(10)
  }
  return false
}

/**
 * True once no other backend holds a transaction with writes or sleeps: a cut transaction is rolled
 * back when its backend notices (a dead client: client_connection_check_interval while it sleeps).
 */
export const settled = async (db: pg.Pool): Promise<boolean> => {
  for (let i = 0; i < 300; i++) {
    const r = await db.query(`select 1 from pg_stat_activity where datname = current_database()
      and pid <> pg_backend_pid() and (backend_xid is not null or wait_event = 'PgSleep')`)
    if (r.rows.length === 0) return true
    await sleep(50)
  }
  return false
}

/**
 * Every other connection to this database dropped (pg_terminate_backend), as a network fault would
 * drop the API's (its pool's and pg-boss's); ours is kept. Returns how many.
 */
export const dropOtherConnections = async (db: pg.Pool): Promise<number> => {
  const r = await db.query(`select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`)
  return r.rowCount ?? 0
}

/** How many rows each table holds: equal before and after, nothing of a cut write was kept. */
export const rowCounts = async (db: pg.Pool, tables: readonly string[]): Promise<Record<string, number>> =>
  Object.fromEntries(
    await Promise.all(
      tables.map(async (table) => [
        table,
        Number((await db.query(`select count(*)::int as n from ${table}`)).rows[0].n),
      ]),
    ),
  )

/**
 * A client's retry: a 503 (Retry-After) is sent again, as the problem says; a pooled connection
 * dropped with the others (or broken by the server's crash) may answer the first request after with one.
 */
export const retried = async (t: Test, send: () => Promise<Response>): Promise<Response> => {
  for (let i = 0; ; i++) {
    const r = await send()
    if (r.status !== 503 || i === 5) return r
    t.comment(`503 on retry ${i + 1}: ${await r.text()}`)
    await sleep(200)
  }
}
