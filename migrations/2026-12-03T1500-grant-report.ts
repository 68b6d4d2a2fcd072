// Totals for the finance bureau (issue #11) read from indexed columns, never by parsing jsonb per
// request: each outcome row carries what the report groups and filters on — its application, the
// prefecture (facts /project/prefecture; null without a project), the application date and its year,
// the enterprise, the decision's time, the amounts due, paid and unfunded, and whether its decision
// is current (not superseded, so a correction is never counted twice).
//
// Amounts, the status contract (POLICY.md §0 "Outcome per measure"): `eligible` is due and paid its
// amount; `unfunded` (budget pool exhausted) is due its amount, pays nothing, and that amount is
// unfunded; every other status (ineligible, capped at 0.00, needs-review) is due and pays nothing.
// Non-cash outcomes (amount null) count 0.00.
//
// decision_outcomes stays append-only but for one change: `current` may go from true to false, and
// nothing else may change with it. A trigger on decisions makes that change when a correction is
// inserted, so whatever replaces store_decision later, superseding keeps the flag right.
//
// store_decision is replaced so its outcome insert takes EVERY column from the payload: columns added
// later flow through without touching the function again.
//
// Existing rows are backfilled from their decisions and applications (tested on the frozen 1.0.0 dump,
// test/db/grant-report-migration.test.ts). Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table decision_outcomes
      add column application_id uuid references applications (id),
      add column prefecture text,
      add column year int,
      add column application_date date,
      add column enterprise_credit_code text,
      add column amount_due numeric(18, 2),
      add column amount_paid numeric(18, 2),
      add column amount_unfunded numeric(18, 2),
      add column decided_at timestamptz,
      add column current boolean`.execute(db)

  // The backfill is the one UPDATE this table ever sees beyond `current`: the trigger is off for it.
  await sql`alter table decision_outcomes disable trigger decision_outcomes_append_only`.execute(db)
  await sql`
    update decision_outcomes o
    set application_id = d.application_id,
        prefecture = a.facts #>> '{project,prefecture}',
        year = extract(year from a.application_date)::int,
        application_date = a.application_date,
        enterprise_credit_code = a.enterprise_credit_code,
        amount_due = case when o.status in ('eligible', 'unfunded') then coalesce(o.amount, 0) else 0 end,
        amount_paid = case when o.status = 'eligible' then coalesce(o.amount, 0) else 0 end,
        amount_unfunded = case when o.status = 'unfunded' then coalesce(o.amount, 0) else 0 end,
        decided_at = d.created_at,
        current = not exists (select 1 from decisions s where s.supersedes = d.id)
    from decisions d join applications a on a.id = d.application_id
    where d.id = o.decision_id`.execute(db)
  await sql`alter table decision_outcomes enable trigger decision_outcomes_append_only`.execute(db)

  await sql`
    alter table decision_outcomes
      alter column application_id set not null,
      alter column year set not null,
      alter column application_date set not null,
      alter column enterprise_credit_code set not null,
      alter column amount_due set not null,
      alter column amount_paid set not null,
      alter column amount_unfunded set not null,
      alter column decided_at set not null,
      alter column current set not null,
      add constraint decision_outcomes_amounts check (
        amount_due >= 0 and amount_paid >= 0 and amount_unfunded >= 0
        and amount_paid + amount_unfunded <= amount_due)`.execute(db)

  // The report's groupings and filters, over current outcomes only; the amounts are included so
  // the totals are read from the index (an index-only scan once the visibility map is set).
  await sql`
    create index decision_outcomes_report on decision_outcomes (year, prefecture, measure, status)
      include (amount_due, amount_paid, amount_unfunded) where current`.execute(db)
  await sql`
    create index decision_outcomes_report_date on decision_outcomes (application_date, measure, status)
      include (prefecture, amount_due, amount_paid, amount_unfunded) where current`.execute(db)
  await sql`create index decision_outcomes_application on decision_outcomes (application_id) where current`.execute(
    db,
  )
  // GET /v1/applications?prefecture= (keyset on seq): the prefecture as the application states it.
  await sql`create index applications_prefecture on applications ((facts #>> '{project,prefecture}'), seq)`.execute(
    db,
  )
  await sql`create index applications_date on applications (application_date, seq)`.execute(db)

  // Append-only, but a correction may clear `current` on the outcomes it supersedes — only that.
  await sql`
    create function decision_outcomes_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.current and not new.current
         and (to_jsonb(new) - 'current') = (to_jsonb(old) - 'current') then
        return new;
      end if;
      raise exception '% on % is not allowed: the table is append-only (only current may be cleared)',
        tg_op, tg_table_name using errcode = 'insufficient_privilege';
    end $$`.execute(db)
  await sql`drop trigger decision_outcomes_append_only on decision_outcomes`.execute(db)
  await sql`
    create trigger decision_outcomes_append_only before update or delete on decision_outcomes
      for each row execute function decision_outcomes_refuse_change()`.execute(db)

  // Security definer: the service role has no UPDATE privilege on decision_outcomes, and gets none.
  await sql`
    create function decision_outcomes_supersede() returns trigger language plpgsql
      security definer set search_path = public as $$
    begin
      update decision_outcomes set current = false where decision_id = new.supersedes and current;
      return null;
    end $$`.execute(db)
  await sql`revoke all on function decision_outcomes_supersede() from public`.execute(db)
  await sql`
    create trigger decisions_supersede_outcomes after insert on decisions
      for each row when (new.supersedes is not null) execute function decision_outcomes_supersede()`.execute(
    db,
  )

  await sql`
    create or replace function store_decision(p jsonb) returns jsonb language plpgsql as $$
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

      -- Every column from the payload (decision_id in each element): columns added later need no
      -- change here, and a payload that omits a NOT NULL column is refused rather than stored.
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
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  // store_decision keeps its `select *` insert: it works on the narrower table as well.
  await sql`drop trigger decisions_supersede_outcomes on decisions`.execute(db)
  await sql`drop function decision_outcomes_supersede()`.execute(db)
  await sql`drop trigger decision_outcomes_append_only on decision_outcomes`.execute(db)
  await sql`drop function decision_outcomes_refuse_change()`.execute(db)
  await sql`
    create trigger decision_outcomes_append_only before update or delete on decision_outcomes
      for each row execute function refuse_change()`.execute(db)
  await sql`drop index applications_prefecture`.execute(db)
  await sql`drop index applications_date`.execute(db)
  await sql`
    alter table decision_outcomes
      drop constraint decision_outcomes_amounts,
      drop column application_id, drop column prefecture, drop column year, drop column application_date,
      drop column enterprise_credit_code, drop column amount_due, drop column amount_paid,
      drop column amount_unfunded, drop column decided_at, drop column current`.execute(db)
}
