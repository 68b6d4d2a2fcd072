// Lean outcome rows (issue #10, "reduce the stored size per application by ≥ 3×"). Measured on
// bench/storage.ts before this migration: decision_outcomes was the largest relation, 5.5 KB per
// application — twelve rows of ~150 B (one per measure) and, per row, an entry in three indexes.
// Eleven of the benchmark application's twelve outcomes are `ineligible` with no amount, as most
// outcomes of any application are (a project applies for one or two measures): rows that carry
// nothing but "this measure, not granted".
//
// 1. A plain ineligible outcome (status `ineligible`, amount null) of a measure listed in
//    outcome_measures is no longer a row of decision_outcomes: every such outcome of a decision is
//    one bit of ONE decision_ineligible row (measures = OR of 1 << bit). Nothing is lost: the row it
//    replaces is rebuilt from it (amounts 0.00 by the status contract of POLICY.md §0, amount null),
//    and the view decision_outcomes_all gives back every outcome as before. outcome_measures.bit is
//    the measure's frozen code in src/engine/record-codes.ts (MEASURE_IDS): a measure added later
//    is appended there and here by a migration; until it is, its ineligible outcomes are stored as
//    rows, as before (the report and the list read both). Outcomes that carry anything (eligible,
//    unfunded, capped, needs-review, or an amount) stay rows, unchanged.
// 2. decision_outcomes loses enterprise_credit_code and decided_at: nothing reads them, and both are
//    one join away (applications.enterprise_credit_code, decisions.created_at).
// 3. One report index instead of two (decision_outcomes_report by year and _report_date by date):
//    every report filter is a date range and its groupings (prefecture, measure, year, status) are
//    read from the index entries, so one index ordered by date serves every report (index-only once
//    the visibility map is set). It includes decision_id and application_id, which the totals count.
// 4. store_decision and store_decisions keep their signatures, payloads and results; both store
//    the outcomes through store_outcomes (below), which also refuses two outcomes of one measure in
//    one decision (the primary key (decision_id, measure) did this for every row).
// 5. decisions.evaluation (the engine's compact record, or an old full evaluation) is text instead of
//    jsonb. It is written and read whole, never queried in SQL, and jsonb's binary form compresses
//    worse: 2 084 B against 1 393 B for the benchmark's record (pglz, the default on both servers).
//    The benchmark's decision row then stays in the heap (below the 2 KB TOAST threshold) instead of
//    two TOAST chunks. Existing rows are converted with ::text, which is the JSON jsonb gives back;
//    the service parses it as the driver parsed jsonb (JSON.parse of that same text), so every
//    stored decision, old or new, reads back the same value, and its entity hash is unchanged.
//    store_decision and store_decisions are unchanged for this: jsonb_populate_record writes an
//    object into a text column as that same text.
// 6. audit_log loses the unique index on entry_hash (audit_log_entry_hash_key, 150 B per entry, three
//    entries per application): no query looks an entry up by its hash (reads are by seq, the primary
//    key, or by entity), and the chain is what makes an entry unique and unalterable: entry_hash
//    covers prev_hash and seq, so two equal hashes would be a SHA-256 collision, and any alteration
//    is found by verification, index or not.
// 7. audit_log_entity, a btree on (entity_type, entity_id), becomes a hash index on entity_id: every
//    query that reads it asks for entity ids by equality (an entity's trail, the latest entry of each
//    entity being verified), and a hash entry is a 4-byte code instead of the type and the id's 36
//    characters (~110 B per entry in the btree). Crash-safe and WAL-logged since PostgreSQL 10.
// `current` is cleared on both tables by the same trigger when a correction is stored; both tables
// are append-only but for that.
//
// Existing rows are converted here (ineligible rows folded into decision_ineligible, then deleted
// with the append-only trigger off for this statement only). Runs unchanged on PGlite and
// PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

/** MEASURE_IDS of src/engine/record-codes.ts as frozen on 2026-12-03 (copied: migrations import nothing). */
const MEASURE_BITS = [
  'interest-subsidy',
  'emerging-project-tax-reward',
  'startup-tech-sme-tax-reward',
  'emerging-top3-tax-reward',
  'rd-platform-grant',
  'research-institute-award',
  'standards-award',
  'talent-iit-reward',
  'land-price-ceiling',
  'land-premium-exemption',
  'key-project-loan-rate',
  'direct-power-trading',
]

const grant = (statement: string) =>
  sql.raw(`do $$ begin
    if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
      ${statement};
    end if;
  end $$`)

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table outcome_measures (
      bit smallint primary key check (bit between 0 and 62),
      measure text not null unique
    )`.execute(db)
  await sql`insert into outcome_measures (bit, measure)
            select (n - 1)::smallint, m from unnest(${sql.val(MEASURE_BITS)}::text[]) with ordinality as u(m, n)`.execute(
    db,
  )

  await sql`
    create table decision_ineligible (
      decision_id uuid primary key references decisions (id),
      application_id uuid not null references applications (id),
      prefecture text,
      year int not null,
      application_date date not null,
      measures bigint not null check (measures <> 0),
      current boolean not null
    )`.execute(db)
  await sql`
    create index decision_ineligible_report on decision_ineligible (application_date)
      include (prefecture, year, measures, decision_id, application_id) where current`.execute(db)

  // Existing rows: the plain ineligible outcomes folded into one row per decision, then removed.
  await sql`
    insert into decision_ineligible (decision_id, application_id, prefecture, year, application_date, measures, current)
    select o.decision_id, o.application_id, o.prefecture, o.year, o.application_date,
           bit_or(1::bigint << m.bit), o.current
    from decision_outcomes o join outcome_measures m on m.measure = o.measure
    where o.status = 'ineligible' and o.amount is null
    group by o.decision_id, o.application_id, o.prefecture, o.year, o.application_date, o.current`.execute(db)
  await sql`alter table decision_outcomes disable trigger decision_outcomes_append_only`.execute(db)
  await sql`
    delete from decision_outcomes o using outcome_measures m
    where m.measure = o.measure and o.status = 'ineligible' and o.amount is null`.execute(db)
  await sql`alter table decision_outcomes enable trigger decision_outcomes_append_only`.execute(db)

  await sql`drop index decision_outcomes_report`.execute(db)
  await sql`drop index decision_outcomes_report_date`.execute(db)
  await sql`alter table decision_outcomes drop column enterprise_credit_code, drop column decided_at`.execute(
    db,
  )
  await sql`
    create index decision_outcomes_report on decision_outcomes (application_date, measure, status)
      include (prefecture, year, amount_due, amount_paid, amount_unfunded, decision_id, application_id)
      where current`.execute(db)

  await sql`alter table decisions alter column evaluation type text using evaluation::text`.execute(db)
  await sql`alter table audit_log drop constraint audit_log_entry_hash_key`.execute(db)
  await sql`drop index audit_log_entity`.execute(db)
  await sql`create index audit_log_entity on audit_log using hash (entity_id)`.execute(db)

  // Every outcome as one row, as decision_outcomes held them before this migration (less the two
  // dropped columns): what the report and the list read.
  await sql`
    create view decision_outcomes_all as
      select decision_id, measure, status, amount, application_id, prefecture, year, application_date,
             amount_due, amount_paid, amount_unfunded, current
      from decision_outcomes
      union all
      select i.decision_id, m.measure, 'ineligible', null::numeric(18, 2), i.application_id, i.prefecture, i.year,
             i.application_date, 0.00::numeric(18, 2), 0.00::numeric(18, 2), 0.00::numeric(18, 2), i.current
      from decision_ineligible i join outcome_measures m on i.measures & (1::bigint << m.bit) <> 0`.execute(
    db,
  )

  // Append-only like decision_outcomes: only `current` may be cleared, by the supersede trigger.
  await sql`
    create trigger decision_ineligible_append_only before update or delete on decision_ineligible
      for each row execute function decision_outcomes_refuse_change()`.execute(db)
  await sql`
    create trigger decision_ineligible_no_truncate before truncate on decision_ineligible
      for each statement execute function refuse_change()`.execute(db)
  await sql`revoke update, delete, truncate on decision_ineligible, outcome_measures from public`.execute(db)
  await sql`
    create or replace function decision_outcomes_supersede() returns trigger language plpgsql
      security definer set search_path = public as $$
    begin
      update decision_outcomes set current = false where decision_id = new.supersedes and current;
      update decision_ineligible set current = false where decision_id = new.supersedes and current;
      return null;
    end $$`.execute(db)

  await sql`
    create function store_outcomes(p_outcomes jsonb) returns void language plpgsql as $$
    begin
      if exists (select 1 from jsonb_populate_recordset(null::decision_outcomes, p_outcomes) o
                 group by o.decision_id, o.measure having count(*) > 1) then
        raise exception 'store_outcomes: two outcomes of one measure in one decision' using errcode = 'unique_violation';
      end if;
      insert into decision_outcomes (decision_id, measure, status, amount, application_id, prefecture, year,
                                     application_date, amount_due, amount_paid, amount_unfunded, current)
      select o.decision_id, o.measure, o.status, o.amount, o.application_id, o.prefecture, o.year,
             o.application_date, o.amount_due, o.amount_paid, o.amount_unfunded, o.current
      from jsonb_populate_recordset(null::decision_outcomes, p_outcomes) o
      where not (o.status = 'ineligible' and o.amount is null
                 and exists (select 1 from outcome_measures m where m.measure = o.measure));
      -- One row per decision; a decision's outcomes disagreeing on its report columns would make two,
      -- which the primary key refuses.
      insert into decision_ineligible (decision_id, application_id, prefecture, year, application_date, measures,
                                       current)
      select o.decision_id, o.application_id, o.prefecture, o.year, o.application_date,
             bit_or(1::bigint << m.bit), o.current
      from jsonb_populate_recordset(null::decision_outcomes, p_outcomes) o
      join outcome_measures m on m.measure = o.measure
      where o.status = 'ineligible' and o.amount is null
      group by o.decision_id, o.application_id, o.prefecture, o.year, o.application_date, o.current;
    end $$`.execute(db)

  await sql`
    create or replace function store_decision(p jsonb) returns jsonb language plpgsql as $$
    declare
      v_decision uuid := (p -> 'decision' ->> 'id')::uuid;
      v_audit jsonb := p -> 'audit';
      v_key jsonb := p -> 'idempotency';
      v_ledger jsonb := '[]'::jsonb;
      v_application_seq bigint;
      v_decision_seq bigint;
      v_hash text;
      v_expected int;
      v_updated int;
      e ledger_entries;
    begin
      -- The Idempotency-Key, claimed and completed at once, with how to answer a retry: the body, or
      -- (from T1700) what to render it from ("replay"). A key of another transaction still
      -- running makes this insert wait for it; a key that expired, or that an instance of the
      -- previous version left in progress with its lease run out (same request), is taken over.
      if jsonb_typeof(v_key) = 'object' then
        insert into idempotency_keys as k (caller_key_id, key, request_hash, state, response_status, response_body,
                                           response_replay, expires_at, claim_token, lease_expires_at)
        values ((v_key ->> 'caller_key_id')::uuid, v_key ->> 'key', v_key ->> 'request_hash', 'done',
                (v_key ->> 'status')::int, v_key ->> 'body', v_key -> 'replay',
                now() + make_interval(hours => (v_key ->> 'ttl_hours')::int), null, now())
        on conflict (caller_key_id, key) do update
          set request_hash = excluded.request_hash, state = 'done', response_status = excluded.response_status,
              response_body = excluded.response_body, response_replay = excluded.response_replay,
              created_at = now(), expires_at = excluded.expires_at,
              claim_token = null, lease_expires_at = excluded.lease_expires_at
          where k.expires_at < now()
             or (k.state = 'in-progress' and k.lease_expires_at < now() and k.request_hash = excluded.request_hash);
        if not found then
          raise exception 'store_decision: the Idempotency-Key is taken' using errcode = 'YI002';
        end if;
      end if;

      if jsonb_typeof(p -> 'application') = 'object' then
        insert into applications (id, enterprise_credit_code, project_id, application_date, facts, input_hash,
                                  submitted_by, created_at)
        select id, enterprise_credit_code, project_id, application_date, facts, input_hash, submitted_by, created_at
        from jsonb_populate_record(null::applications, p -> 'application')
        returning seq into v_application_seq;
      end if;

      insert into decisions (id, application_id, ruleset_id, ruleset_version, as_of, total_amount, evaluation,
                             record_format, parameters, history, supersedes, correction_reason, decided_by,
                             decision_hash, created_at)
      select id, application_id, ruleset_id, ruleset_version, as_of, total_amount, evaluation, record_format,
             parameters, history, supersedes, correction_reason, decided_by, decision_hash, created_at
      from jsonb_populate_record(null::decisions, p -> 'decision')
      returning seq into v_decision_seq;

      -- The outcomes: one row per outcome that carries something, one decision_ineligible row for
      -- all the plain ineligible ones (this migration's header says why and how).
      perform store_outcomes(p -> 'outcomes');

      -- Running totals: one update per subject (claims on one subject summed); every subject must exist
      -- (the caller locked it), and CHECK (total <= cap) refuses anything beyond a cap.
      select count(distinct (c.ledger, c.key)) into v_expected
      from jsonb_populate_recordset(null::ledger_subjects, p -> 'cumulative') c;
      update ledger_subjects s set total = s.total + c.total, cap = c.cap
      from (select ledger, key, sum(total) as total, max(cap) as cap
            from jsonb_populate_recordset(null::ledger_subjects, p -> 'cumulative') group by ledger, key) c
      where s.ledger = c.ledger and s.key = c.key;
      get diagnostics v_updated = row_count;
      if v_updated <> v_expected then
        raise exception 'store_decision: % of % cumulative subjects found', v_updated, v_expected;
      end if;

      insert into ledger_once (ledger, key, item, decision_id, credit_code, amount)
      select ledger, key, item, v_decision, p ->> 'credit_code', amount
      from jsonb_populate_recordset(null::ledger_once, p -> 'once');

      insert into ledger_periods (ledger, key, from_date, to_date, decision_id, credit_code)
      select ledger, key, from_date, to_date, v_decision, p ->> 'credit_code'
      from jsonb_populate_recordset(null::ledger_periods, p -> 'days');

      -- The journal, in the order given (reversals, then grants), and one audit entry per row.
      for e in
        with added as (
          insert into ledger_entries (decision_id, ledger, key, kind, amount, item, period_from, period_to)
          select v_decision, r.ledger, r.key, r.kind, r.amount, r.item, r.period_from, r.period_to
          from jsonb_populate_recordset(null::ledger_entries, p -> 'entries') with ordinality as r(id, decision_id,
                 ledger, key, kind, amount, created_at, item, period_from, period_to, n)
          order by r.n
          returning *
        )
        select * from added order by id
      loop
        v_hash := encode(sha256(convert_to(ledger_entry_canonical(e), 'UTF8')), 'hex');
        v_ledger := v_ledger || jsonb_build_object(
          'prefix', '{"action":' || to_json(case when e.kind = 'reversal' then 'ledger.reversed' else 'ledger.granted' end)::text
                    || ',"actor":' || (v_audit ->> 'actor') || ',"entity":{"id":' || to_json(e.id::text)::text
                    || ',"type":"ledger-entry"},"entity_hash":"' || v_hash || '",',
          'suffix', ',"time":' || to_json(v_audit ->> 'time')::text || '}',
          'at', v_audit ->> 'time',
          'actor_key_id', v_audit ->> 'actor_key_id',
          'actor_role', v_audit ->> 'actor_role',
          'action', case when e.kind = 'reversal' then 'ledger.reversed' else 'ledger.granted' end,
          'entity_type', 'ledger-entry',
          'entity_id', e.id::text,
          'entity_hash', v_hash);
      end loop;

      -- Last, just before commit: the audit head's row lock is held as briefly as possible.
      perform audit_append(coalesce(v_audit -> 'entries', '[]'::jsonb) || v_ledger);
      return jsonb_build_object('application_seq', v_application_seq, 'decision_seq', v_decision_seq);
    end $$`.execute(db)

  await sql`
    create or replace function store_decisions(
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

      -- The outcomes, as store_decision stores them (store_outcomes, this migration).
      perform store_outcomes(p_outcomes);

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

  await grant(`grant select, insert on decision_ineligible to ${APP_ROLE}`).execute(db)
  await grant(`grant select on outcome_measures, decision_outcomes_all to ${APP_ROLE}`).execute(db)
  await grant(`grant execute on function store_outcomes(jsonb) to ${APP_ROLE}`).execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  // store_decision as migration 2026-12-03T1700 defined it, store_decisions as 2026-12-03T1710 did
  // (copied: migrations import nothing); both insert every column of the payload's outcomes.
  await sql`
    create or replace function store_decision(p jsonb) returns jsonb language plpgsql as $$
    declare
      v_decision uuid := (p -> 'decision' ->> 'id')::uuid;
      v_audit jsonb := p -> 'audit';
      v_key jsonb := p -> 'idempotency';
      v_ledger jsonb := '[]'::jsonb;
      v_application_seq bigint;
      v_decision_seq bigint;
      v_hash text;
      v_expected int;
      v_updated int;
      e ledger_entries;
    begin
      -- The Idempotency-Key, claimed and completed at once, with how to answer a retry: the body, or
      -- (from T1700) what to render it from ("replay"). A key of another transaction still
      -- running makes this insert wait for it; a key that expired, or that an instance of the
      -- previous version left in progress with its lease run out (same request), is taken over.
      if jsonb_typeof(v_key) = 'object' then
        insert into idempotency_keys as k (caller_key_id, key, request_hash, state, response_status, response_body,
                                           response_replay, expires_at, claim_token, lease_expires_at)
        values ((v_key ->> 'caller_key_id')::uuid, v_key ->> 'key', v_key ->> 'request_hash', 'done',
                (v_key ->> 'status')::int, v_key ->> 'body', v_key -> 'replay',
                now() + make_interval(hours => (v_key ->> 'ttl_hours')::int), null, now())
        on conflict (caller_key_id, key) do update
          set request_hash = excluded.request_hash, state = 'done', response_status = excluded.response_status,
              response_body = excluded.response_body, response_replay = excluded.response_replay,
              created_at = now(), expires_at = excluded.expires_at,
              claim_token = null, lease_expires_at = excluded.lease_expires_at
          where k.expires_at < now()
             or (k.state = 'in-progress' and k.lease_expires_at < now() and k.request_hash = excluded.request_hash);
        if not found then
          raise exception 'store_decision: the Idempotency-Key is taken' using errcode = 'YI002';
        end if;
      end if;

      if jsonb_typeof(p -> 'application') = 'object' then
        insert into applications (id, enterprise_credit_code, project_id, application_date, facts, input_hash,
                                  submitted_by, created_at)
        select id, enterprise_credit_code, project_id, application_date, facts, input_hash, submitted_by, created_at
        from jsonb_populate_record(null::applications, p -> 'application')
        returning seq into v_application_seq;
      end if;

      insert into decisions (id, application_id, ruleset_id, ruleset_version, as_of, total_amount, evaluation,
                             record_format, parameters, history, supersedes, correction_reason, decided_by,
                             decision_hash, created_at)
      select id, application_id, ruleset_id, ruleset_version, as_of, total_amount, evaluation, record_format,
             parameters, history, supersedes, correction_reason, decided_by, decision_hash, created_at
      from jsonb_populate_record(null::decisions, p -> 'decision')
      returning seq into v_decision_seq;

      -- Every column from the payload (each element names its decision_id): new columns flow through.
      insert into decision_outcomes
      select * from jsonb_populate_recordset(null::decision_outcomes, p -> 'outcomes');

      -- Running totals: one update per subject (claims on one subject summed); every subject must exist
      -- (the caller locked it), and CHECK (total <= cap) refuses anything beyond a cap.
      select count(distinct (c.ledger, c.key)) into v_expected
      from jsonb_populate_recordset(null::ledger_subjects, p -> 'cumulative') c;
      update ledger_subjects s set total = s.total + c.total, cap = c.cap
      from (select ledger, key, sum(total) as total, max(cap) as cap
            from jsonb_populate_recordset(null::ledger_subjects, p -> 'cumulative') group by ledger, key) c
      where s.ledger = c.ledger and s.key = c.key;
      get diagnostics v_updated = row_count;
      if v_updated <> v_expected then
        raise exception 'store_decision: % of % cumulative subjects found', v_updated, v_expected;
      end if;

      insert into ledger_once (ledger, key, item, decision_id, credit_code, amount)
      select ledger, key, item, v_decision, p ->> 'credit_code', amount
      from jsonb_populate_recordset(null::ledger_once, p -> 'once');

      insert into ledger_periods (ledger, key, from_date, to_date, decision_id, credit_code)
      select ledger, key, from_date, to_date, v_decision, p ->> 'credit_code'
      from jsonb_populate_recordset(null::ledger_periods, p -> 'days');

      -- The journal, in the order given (reversals, then grants), and one audit entry per row.
      for e in
        with added as (
          insert into ledger_entries (decision_id, ledger, key, kind, amount, item, period_from, period_to)
          select v_decision, r.ledger, r.key, r.kind, r.amount, r.item, r.period_from, r.period_to
          from jsonb_populate_recordset(null::ledger_entries, p -> 'entries') with ordinality as r(id, decision_id,
                 ledger, key, kind, amount, created_at, item, period_from, period_to, n)
          order by r.n
          returning *
        )
        select * from added order by id
      loop
        v_hash := encode(sha256(convert_to(ledger_entry_canonical(e), 'UTF8')), 'hex');
        v_ledger := v_ledger || jsonb_build_object(
          'prefix', '{"action":' || to_json(case when e.kind = 'reversal' then 'ledger.reversed' else 'ledger.granted' end)::text
                    || ',"actor":' || (v_audit ->> 'actor') || ',"entity":{"id":' || to_json(e.id::text)::text
                    || ',"type":"ledger-entry"},"entity_hash":"' || v_hash || '",',
          'suffix', ',"time":' || to_json(v_audit ->> 'time')::text || '}',
          'at', v_audit ->> 'time',
          'actor_key_id', v_audit ->> 'actor_key_id',
          'actor_role', v_audit ->> 'actor_role',
          'action', case when e.kind = 'reversal' then 'ledger.reversed' else 'ledger.granted' end,
          'entity_type', 'ledger-entry',
          'entity_id', e.id::text,
          'entity_hash', v_hash);
      end loop;

      -- Last, just before commit: the audit head's row lock is held as briefly as possible.
      perform audit_append(coalesce(v_audit -> 'entries', '[]'::jsonb) || v_ledger);
      return jsonb_build_object('application_seq', v_application_seq, 'decision_seq', v_decision_seq);
    end $$`.execute(db)
  await sql`
    create or replace function store_decisions(
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
  await sql`drop function store_outcomes(jsonb)`.execute(db)
  await sql`alter table decisions alter column evaluation type jsonb using evaluation::jsonb`.execute(db)
  await sql`alter table audit_log add constraint audit_log_entry_hash_key unique (entry_hash)`.execute(db)
  await sql`drop index audit_log_entity`.execute(db)
  await sql`create index audit_log_entity on audit_log (entity_type, entity_id)`.execute(db)
  await sql`drop view decision_outcomes_all`.execute(db)
  await sql`drop index decision_outcomes_report`.execute(db)
  await sql`alter table decision_outcomes add column enterprise_credit_code text, add column decided_at timestamptz`.execute(
    db,
  )
  // The folded outcomes back as rows, and the two columns back from their joins.
  await sql`alter table decision_outcomes disable trigger decision_outcomes_append_only`.execute(db)
  await sql`
    insert into decision_outcomes (decision_id, measure, status, amount, application_id, prefecture, year,
                                   application_date, amount_due, amount_paid, amount_unfunded, current)
    select i.decision_id, m.measure, 'ineligible', null, i.application_id, i.prefecture, i.year, i.application_date,
           0, 0, 0, i.current
    from decision_ineligible i join outcome_measures m on i.measures & (1::bigint << m.bit) <> 0`.execute(db)
  await sql`
    update decision_outcomes o set enterprise_credit_code = a.enterprise_credit_code, decided_at = d.created_at
    from decisions d join applications a on a.id = d.application_id
    where d.id = o.decision_id`.execute(db)
  await sql`alter table decision_outcomes enable trigger decision_outcomes_append_only`.execute(db)
  await sql`
    alter table decision_outcomes
      alter column enterprise_credit_code set not null, alter column decided_at set not null`.execute(db)
  await sql`
    create index decision_outcomes_report on decision_outcomes (year, prefecture, measure, status)
      include (amount_due, amount_paid, amount_unfunded) where current`.execute(db)
  await sql`
    create index decision_outcomes_report_date on decision_outcomes (application_date, measure, status)
      include (prefecture, amount_due, amount_paid, amount_unfunded) where current`.execute(db)
  await sql`
    create or replace function decision_outcomes_supersede() returns trigger language plpgsql
      security definer set search_path = public as $$
    begin
      update decision_outcomes set current = false where decision_id = new.supersedes and current;
      return null;
    end $$`.execute(db)
  await sql`drop table decision_ineligible`.execute(db)
  await sql`drop table outcome_measures`.execute(db)
}
