// store_decision updates each ledger subject's running total by its primary key (issue #10, "POST
// /v1/applications ≥ 0.25 × the same stack's single-row INSERT route").
//
// The update it replaces joined ledger_subjects to the payload's claims (jsonb_populate_recordset,
// which the planner takes for 100 rows whatever it holds). Against 100 rows a hash join over a
// sequential scan of ledger_subjects is the cheaper plan while the table holds up to a few thousand
// subjects, so every stored application read the whole table to update one to three rows: 0.31 ms
// of the server's CPU per call with 1 000–2 000 subjects (pg_stat_statements, track = all, one
// application at a time; auto_explain showed the plan), against 0.02–0.03 ms for an update by key.
// A decision claims a handful of subjects, so one update per subject, in (ledger, key) order (the
// order the caller locked them in), by the primary key, is an index lookup at any table size.
//
// Nothing else changes: claims on one subject are summed, its cap is the largest given, and a subject
// that is not there (the caller locks, and so creates, every subject it claims) is an error, as the
// row count check was. store_decisions (the batch's chunks, hundreds of subjects at once, where the
// planner's 100 rows are near the truth) keeps its set-based update.
//
// store_decision is rewritten from its own current definition (pg_get_functiondef) with checked
// replacements, as 2026-12-04T1850 did; the migration stops if a text is not found exactly once.
// Runs unchanged on PGlite and PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

const DECLARE_BEFORE = `      e ledger_entries;
`
const DECLARE_AFTER = `      e ledger_entries;
      v_subject record;
`

const JOINED_UPDATE = `      select count(distinct (c.ledger, c.key)) into v_expected
      from jsonb_populate_recordset(null::ledger_subjects, p -> 'cumulative') c;
      update ledger_subjects s set total = s.total + c.total, cap = c.cap
      from (select ledger, key, sum(total) as total, max(cap) as cap
            from jsonb_populate_recordset(null::ledger_subjects, p -> 'cumulative') group by ledger, key) c
      where s.ledger = c.ledger and s.key = c.key;
      get diagnostics v_updated = row_count;
      if v_updated <> v_expected then
        raise exception 'store_decision: % of % cumulative subjects found', v_updated, v_expected;
      end if;
`
const UPDATES_BY_KEY = `      -- (2026-12-05T1920) one update per subject, by its primary key, in the order of the locks.
      for v_subject in
        select ledger, key, sum(total) as total, max(cap) as cap
        from jsonb_populate_recordset(null::ledger_subjects, p -> 'cumulative')
        group by ledger, key
        order by ledger, key
      loop
        update ledger_subjects set total = total + v_subject.total, cap = v_subject.cap
        where ledger = v_subject.ledger and key = v_subject.key;
        if not found then
          raise exception 'store_decision: cumulative subject % % not found', v_subject.ledger, v_subject.key;
        end if;
      end loop;
`

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
const rewriteStoreDecision = async (db: Kysely<any>, replacements: [string, string][]): Promise<void> => {
  const result = await sql<{ def: string }>`
    select pg_get_functiondef('store_decision(jsonb)'::regprocedure) as def`.execute(db)
  let def = result.rows[0]?.def ?? ''
  for (const [from, to] of replacements) {
    if (def.split(from).length !== 2)
      throw new Error(`subject-updates-by-key: store_decision does not hold ${from} exactly once`)
    def = def.replace(from, to)
  }
  await sql.raw(def).execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await rewriteStoreDecision(db, [
    [DECLARE_BEFORE, DECLARE_AFTER],
    [JOINED_UPDATE, UPDATES_BY_KEY],
  ])
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await rewriteStoreDecision(db, [
    [UPDATES_BY_KEY, JOINED_UPDATE],
    [DECLARE_AFTER, DECLARE_BEFORE],
  ])
}
