// A stored decision in one round trip: store_decision(p) writes the application (when new), the
// decision, its outcomes, its ledger grants (running totals, one-time grants, rewarded days) and
// their journal, completes the request's Idempotency-Key, and appends the audit entries — the
// ledger entries' own included, whose ids only the database knows: their entity hashes are
// computed here, over the same RFC 8785 canonical JSON the verifier recomputes
// (src/db/entities.ts ledgerEntryEntity; test/db/store-decision.test.ts checks the two agree).
//
// Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  // RFC 8785 canonical JSON of a ledger entry's audited entity: keys in code-unit order, item and
  // period only when set (entries before 2026-12-03 have neither). to_json escapes strings as
  // ECMAScript's JSON.stringify does (", \, \b \f \n \r \t, other controls as \u00xx).
  await sql`
    create function ledger_entry_canonical(e ledger_entries) returns text language sql immutable as $$
      select '{"amount":' || coalesce(to_json(e.amount::text)::text, 'null')
        || ',"decisionId":' || to_json(e.decision_id::text)::text
        || ',"id":' || to_json(e.id::text)::text
        || case when e.item is not null then ',"item":' || to_json(e.item)::text else '' end
        || ',"key":' || to_json(e.key)::text
        || ',"kind":' || to_json(e.kind)::text
        || ',"ledger":' || to_json(e.ledger)::text
        || case when e.period_from is not null and e.period_to is not null
             then ',"period":{"from":' || to_json(e.period_from::text)::text
                  || ',"to":' || to_json(e.period_to::text)::text || '}'
             else '' end
        || '}'
    $$`.execute(db)

  await sql`
    create function store_decision(p jsonb) returns jsonb language plpgsql as $$
    declare
      v_decision uuid := (p -> 'decision' ->> 'id')::uuid;
      v_audit jsonb := p -> 'audit';
      v_ledger jsonb := '[]'::jsonb;
      v_application_seq bigint;
      v_decision_seq bigint;
      v_hash text;
      v_expected int;
      v_updated int;
      e ledger_entries;
    begin
      if jsonb_typeof(p -> 'application') = 'object' then
        insert into applications (id, enterprise_credit_code, project_id, application_date, facts, input_hash,
                                  submitted_by, created_at)
        select id, enterprise_credit_code, project_id, application_date, facts, input_hash, submitted_by, created_at
        from jsonb_populate_record(null::applications, p -> 'application')
        returning seq into v_application_seq;
      end if;

      insert into decisions (id, application_id, ruleset_id, ruleset_version, as_of, total_amount, evaluation,
                             parameters, history, supersedes, correction_reason, decided_by, decision_hash, created_at)
      select id, application_id, ruleset_id, ruleset_version, as_of, total_amount, evaluation, parameters, history,
             supersedes, correction_reason, decided_by, decision_hash, created_at
      from jsonb_populate_record(null::decisions, p -> 'decision')
      returning seq into v_decision_seq;

      insert into decision_outcomes (decision_id, measure, status, amount)
      select v_decision, measure, status, amount
      from jsonb_populate_recordset(null::decision_outcomes, p -> 'outcomes');

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

      if jsonb_typeof(p -> 'idempotency') = 'object' then
        update idempotency_keys
        set state = 'done', response_status = (p -> 'idempotency' ->> 'status')::int,
            response_body = p -> 'idempotency' ->> 'body'
        where caller_key_id = (p -> 'idempotency' ->> 'caller_key_id')::uuid
          and key = p -> 'idempotency' ->> 'key'
          and claim_token = (p -> 'idempotency' ->> 'token')::uuid
          and state = 'in-progress';
        if not found then
          raise exception 'the claim on the Idempotency-Key was taken over by a retry' using errcode = 'YI001';
        end if;
      end if;

      -- Last, just before commit: the audit head's row lock is held as briefly as possible.
      perform audit_append(coalesce(v_audit -> 'entries', '[]'::jsonb) || v_ledger);
      return jsonb_build_object('application_seq', v_application_seq, 'decision_seq', v_decision_seq);
    end $$`.execute(db)

  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant execute on function store_decision(jsonb) to ${APP_ROLE};
           grant execute on function ledger_entry_canonical(ledger_entries) to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists store_decision(jsonb)`.execute(db)
  await sql`drop function if exists ledger_entry_canonical(ledger_entries)`.execute(db)
}
