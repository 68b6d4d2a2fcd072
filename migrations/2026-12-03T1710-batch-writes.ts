// A batch chunk's decisions in one set-based statement (issue #11 "Speed": "the write path must be
// set-based … not ~11 round trips per row"). store_decisions(…) writes what store_decision
// (migration 2026-12-03T1545) writes for one decision, for every decision of a chunk at once: ONE
// insert per table (applications, decisions, decision_outcomes, ledger_once, ledger_periods,
// ledger_entries, budget_queue), ONE update of the running totals (each subject's claims summed:
// totals only grow in a chunk, so CHECK (total <= cap) on the sum refuses exactly what it would
// refuse claim by claim), and ONE audit_append call for the whole chunk's entries.
//
// One jsonb argument per table rather than one document: PostgreSQL parses a single multi-megabyte
// jsonb document several times slower than the same bytes split in parts (measured on a chunk of 500
// rows, 7 MB: 1.35 s as one document, 0.28 s as three arrays).
//
// What stays exactly as if each row had been posted alone:
// - order: applications and decisions get their seq, and journal rows their id, in row order (the
//   inserts read the payload's arrays in order: WITH ORDINALITY … ORDER BY), so budget queues
//   (ordered by application seq) and journals read the same;
// - the audit chain: per row, its own entries (application.created, decision.made) then one entry per
//   journal row of its decision (ledger.granted), rows in row order — the order store_decision
//   appends them one decision after another. Ledger entries' entity hashes are computed here over
//   ledger_entry_canonical, as store_decision does, because only the database knows their ids.
// Batch rows claim no Idempotency-Key (a row's key is batch_results.row_key, written with it), and a
// batch stores new applications only (no corrections): the payload has no place for either.
//
// Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function store_decisions(
      p_applications jsonb, p_decisions jsonb, p_outcomes jsonb, p_cumulative jsonb, p_once jsonb, p_days jsonb,
      p_entries jsonb, p_audit jsonb, p_queue jsonb
    ) returns integer language plpgsql as $$
    declare
      v_expected int;
      v_updated int;
      v_audit jsonb;
    begin
      insert into applications (id, enterprise_credit_code, project_id, application_date, facts, input_hash,
                                submitted_by, created_at)
      select r.id, r.enterprise_credit_code, r.project_id, r.application_date, r.facts, r.input_hash,
             r.submitted_by, r.created_at
      from jsonb_populate_recordset(null::applications, p_applications) with ordinality as r
      order by r.ordinality;

      insert into decisions (id, application_id, ruleset_id, ruleset_version, as_of, total_amount, evaluation,
                             record_format, parameters, history, supersedes, correction_reason, decided_by,
                             decision_hash, created_at)
      select r.id, r.application_id, r.ruleset_id, r.ruleset_version, r.as_of, r.total_amount, r.evaluation,
             r.record_format, r.parameters, r.history, r.supersedes, r.correction_reason, r.decided_by,
             r.decision_hash, r.created_at
      from jsonb_populate_recordset(null::decisions, p_decisions) with ordinality as r
      order by r.ordinality;

      -- Every column from the payload (each element names its decision_id): new columns flow through.
      insert into decision_outcomes
      select * from jsonb_populate_recordset(null::decision_outcomes, p_outcomes);

      -- Running totals: one update for every subject of the chunk; every subject must exist (the
      -- caller locked them all), and CHECK (total <= cap) refuses anything beyond a cap.
      select count(distinct (c.ledger, c.key)) into v_expected
      from jsonb_populate_recordset(null::ledger_subjects, p_cumulative) c;
      update ledger_subjects s set total = s.total + c.total, cap = c.cap
      from (select ledger, key, sum(total) as total, max(cap) as cap
            from jsonb_populate_recordset(null::ledger_subjects, p_cumulative) group by ledger, key) c
      where s.ledger = c.ledger and s.key = c.key;
      get diagnostics v_updated = row_count;
      if v_updated <> v_expected then
        raise exception 'store_decisions: % of % cumulative subjects found', v_updated, v_expected;
      end if;

      insert into ledger_once (ledger, key, item, decision_id, credit_code, amount)
      select ledger, key, item, decision_id, credit_code, amount
      from jsonb_populate_recordset(null::ledger_once, p_once);

      insert into ledger_periods (ledger, key, from_date, to_date, decision_id, credit_code)
      select ledger, key, from_date, to_date, decision_id, credit_code
      from jsonb_populate_recordset(null::ledger_periods, p_days);

      -- Unfunded outcomes wait in their budget's queue (POLICY.md §3), after their decisions exist.
      insert into budget_queue (decision_id, measure, key, amount)
      select decision_id, measure, key, amount
      from jsonb_populate_recordset(null::budget_queue, p_queue);

      -- The journal in payload order (row by row, each row's entries in order), then the audit entries:
      -- each row's own, then one per journal row of its decision, rows in order.
      with added as (
        insert into ledger_entries (decision_id, ledger, key, kind, amount, item, period_from, period_to)
        select r.decision_id, r.ledger, r.key, r.kind, r.amount, r.item, r.period_from, r.period_to
        from jsonb_populate_recordset(null::ledger_entries, p_entries) with ordinality as r
        order by r.ordinality
        returning id, decision_id, kind, ledger_entries as stored
      ),
      chunk_rows as (
        select a.value as row_audit, a.ordinality as n
        from jsonb_array_elements(p_audit) with ordinality as a
      ),
      items as (
        select r.n, 0 as part, x.ordinality as k, x.value as entry
        from chunk_rows r cross join lateral jsonb_array_elements(r.row_audit -> 'entries') with ordinality as x
        union all
        select r.n, 1 as part, e.id as k, jsonb_build_object(
          'prefix', '{"action":' || to_json(h.action)::text || ',"actor":' || (r.row_audit ->> 'actor')
                    || ',"entity":{"id":' || to_json(e.id::text)::text || ',"type":"ledger-entry"},"entity_hash":"'
                    || h.hash || '",',
          'suffix', ',"time":' || to_json(r.row_audit ->> 'time')::text || '}',
          'at', r.row_audit ->> 'time',
          'actor_key_id', r.row_audit ->> 'actor_key_id',
          'actor_role', r.row_audit ->> 'actor_role',
          'action', h.action,
          'entity_type', 'ledger-entry',
          'entity_id', e.id::text,
          'entity_hash', h.hash)
        from added e
        join chunk_rows r on (r.row_audit ->> 'decision_id')::uuid = e.decision_id
        cross join lateral (
          select case when e.kind = 'reversal' then 'ledger.reversed' else 'ledger.granted' end as action,
                 encode(sha256(convert_to(ledger_entry_canonical(e.stored), 'UTF8')), 'hex') as hash
        ) h
      )
      select coalesce(jsonb_agg(entry order by n, part, k), '[]'::jsonb) into v_audit from items;

      -- Last, just before commit: the audit head's row lock is held as briefly as possible.
      perform audit_append(v_audit);
      return jsonb_array_length(p_decisions);
    end $$`.execute(db)

  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant execute on function store_decisions(jsonb, jsonb, jsonb, jsonb, jsonb, jsonb, jsonb, jsonb, jsonb) to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists store_decisions(jsonb, jsonb, jsonb, jsonb, jsonb, jsonb, jsonb, jsonb, jsonb)`.execute(
    db,
  )
}
