// Lean storage (issue #10, "stored size per application ≥ 3× less"):
//
// 1. An Idempotency-Key no longer needs to store the response body. `response_replay` holds what the
//    response is rendered from instead — {"decision": id, "explain": "summary"|"full", "language"} —
//    and a retry re-renders it from the stored decision and application, byte for byte (the first
//    response is rendered from the values as jsonb gives them back, src/db/jsonb-order.ts, so both
//    are the same bytes; the language is the first request's, and so is the retry's Content-Language).
//    `response_body` stays for the rows written before, and for any caller that still sends a body.
//    store_decision is replaced for this only: its argument is the same, and `idempotency` may carry
//    `replay` (an object, stored as is) in place of, or beside, `body` (absent → null).
//
// 2. Two indexes of decision_outcomes that no query uses (checked with EXPLAIN on the report, the
//    list's measure/status filter and the §18 concentration query): decision_outcomes_measure (the
//    list's filter joins through the primary key (decision_id, measure)) and
//    decision_outcomes_application (no query looks outcomes up by application). Each cost an index
//    entry per outcome row, twelve per application.
//
// Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys add column response_replay jsonb`.execute(db)
  await sql`drop index if exists decision_outcomes_measure`.execute(db)
  await sql`drop index if exists decision_outcomes_application`.execute(db)

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

  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant execute on function store_decision(jsonb) to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  // Keys answered by replay cannot be answered without this column: they are dropped with it (a
  // retry with such a key is then decided afresh, as after the key's expiry).
  await sql`delete from idempotency_keys where response_body is null and response_replay is not null`.execute(
    db,
  )
  await sql`alter table idempotency_keys drop column response_replay`.execute(db)
  await sql`create index decision_outcomes_measure on decision_outcomes (measure, status)`.execute(db)
  await sql`create index decision_outcomes_application on decision_outcomes (application_id) where current`.execute(
    db,
  )
  // store_decision as migration 2026-12-03T1545 defined it (copied: migrations import nothing).
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
      -- The Idempotency-Key, claimed and completed at once. A key of another transaction still
      -- running makes this insert wait for it; a key that expired, or that an instance of the
      -- previous version left in progress with its lease run out (same request), is taken over.
      if jsonb_typeof(v_key) = 'object' then
        insert into idempotency_keys as k (caller_key_id, key, request_hash, state, response_status, response_body,
                                           expires_at, claim_token, lease_expires_at)
        values ((v_key ->> 'caller_key_id')::uuid, v_key ->> 'key', v_key ->> 'request_hash', 'done',
                (v_key ->> 'status')::int, v_key ->> 'body',
                now() + make_interval(hours => (v_key ->> 'ttl_hours')::int), null, now())
        on conflict (caller_key_id, key) do update
          set request_hash = excluded.request_hash, state = 'done', response_status = excluded.response_status,
              response_body = excluded.response_body, created_at = now(), expires_at = excluded.expires_at,
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
}
