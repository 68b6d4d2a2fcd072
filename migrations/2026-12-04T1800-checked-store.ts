// A stored application in two round trips (issue #10, "The stored decision is one round trip"):
//
// 1. `decision_state(subjects, budgets)`: what the engine sees of the ledger for an application, read
//    without a transaction or a lock — the running totals of its subjects (those above zero), their
//    one-time grants and rewarded days (in historyFor's order), and the budgets that are set among
//    its candidates with the unfunded outcomes of current decisions queued in each (lockBudgets'
//    answer for a new application: everything queued is ahead of it). The caller decides on it and
//    sends back its md5 as the fingerprint — when no budget is set: a budget's row is drawn by every
//    application of its year, so under load its state moves between any read and store, and such
//    applications are decided under the locks directly (src/decisions/decide.ts).
//
// 2. `store_decision_checked(p, c)`: one statement (its own transaction). It takes the locks the
//    locked path takes, in the same order — the budget rows FOR UPDATE in key order (lockBudgets),
//    then the subject rows by the upsert of lockSubjects, in the order given ((ledger, key)) — then
//    reads decision_state again, holding them. When its md5 is the fingerprint, the decision made on
//    the unlocked read is the one the locked path would make (the engine is pure: same facts, same
//    history), and it calls store_decision(p) unchanged (no budget applies, so nothing is queued).
//    Otherwise (a budget set since the read included) it answers {stale, fingerprint}, the state as
//    it read it under the locks, with nothing written — not even a subject row the upsert created (a
//    subtransaction, rolled back) — and no error; the caller decides again on it, or under the locks.
//
// Both are VOLATILE (the default): in READ COMMITTED each query inside takes a new snapshot, so the
// read that follows the locks sees what their previous holders committed (a STABLE function would
// read with the calling statement's snapshot, taken before the locks were granted). Both are
// PL/pgSQL, whose plans are cached per connection: the same reads as a LANGUAGE sql function, planned
// at every call, cost 0.5 ms of the server's CPU against 0.06 ms (bench/write-path.ts).
//
// store_decision itself is untouched. Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  // Values as text (numeric and dates exactly as pg sends them; no JSON number ever meets a float),
  // arrays rather than objects (smaller, and the fingerprint is of the jsonb value, whatever its text).
  await sql`
    create or replace function decision_state(p_subjects jsonb, p_budgets jsonb) returns jsonb
    language plpgsql volatile as $$
    declare
      v_totals jsonb;
      v_grants jsonb;
      v_budgets jsonb;
    begin
      -- Each subject looked up by its primary key: a LATERAL subquery that OFFSET 0 keeps from being
      -- pulled up into a join (the planner, taking jsonb_to_recordset for 100 rows, hashed a join over
      -- a sequential scan of ledger_subjects once it held a few thousand rows: 0.06 → 0.33 ms a call).
      select jsonb_agg(jsonb_build_array(l.ledger, l.key, l.total::text) order by l.ledger, l.key) into v_totals
      from (select distinct s.ledger, s.key from jsonb_to_recordset(p_subjects) s(ledger text, key text)) s
      cross join lateral (
        select l.ledger, l.key, l.total from ledger_subjects l
        where l.ledger = s.ledger and l.key = s.key and l.total <> 0
        offset 0) l;

      select jsonb_agg(jsonb_build_array(g.ledger, g.key, g.kind, g.item, g.from_date, g.to_date, g.amount,
                                         g.decision_id, g.credit_code)
                       order by g.ledger, g.key, g.item, g.from_date) into v_grants
      from (select distinct s.ledger, s.key from jsonb_to_recordset(p_subjects) s(ledger text, key text)) s
      cross join lateral (
        select o.ledger, o.key, 'once'::text as kind, o.item, null::text as from_date, null::text as to_date,
               o.amount::text as amount, o.decision_id::text as decision_id, o.credit_code
        from ledger_once o where o.ledger = s.ledger and o.key = s.key
        union all
        select p.ledger, p.key, 'days'::text, null::text, p.from_date::text, p.to_date::text,
               null::text, p.decision_id::text, p.credit_code
        from ledger_periods p where p.ledger = s.ledger and p.key = s.key
        offset 0) g;

      -- queuedAhead for a new application: every unfunded outcome of a current decision is ahead of it.
      select jsonb_agg(jsonb_build_array(b.key, b.subject, b.total::text, b.cap::text, (
               select count(*)::int
               from budget_queue q
               where q.key = b.key
                 and not exists (select 1 from decisions n where n.supersedes = q.decision_id)))
             order by b.key) into v_budgets
      from ledger_subjects b
      where b.ledger = 'budget' and b.cap is not null and b.key in (select jsonb_array_elements_text(p_budgets));

      return jsonb_build_array(coalesce(v_totals, '[]'::jsonb), coalesce(v_grants, '[]'::jsonb),
                               coalesce(v_budgets, '[]'::jsonb));
    end $$`.execute(db)

  await sql`
    create or replace function store_decision_checked(p jsonb, c jsonb) returns jsonb language plpgsql as $$
    declare
      v_state jsonb;
    begin
      -- A block of its own (a subtransaction): when the state moved, what it did — a subject row the
      -- upsert created — is rolled back, and the function answers without an error (nothing logged).
      begin
        -- The locks of the locked path, in its order: budgets first ('budget' sorts before every other
        -- ledger), in key order, then the subjects in (ledger, key) order as given, rows created if missing.
        perform 1 from ledger_subjects
        where ledger = 'budget' and cap is not null and key in (select jsonb_array_elements_text(c -> 'budgets'))
        order by key
        for update;
        insert into ledger_subjects as l (ledger, key, subject, cap)
        select e ->> 'ledger', e ->> 'key', e -> 'subject', null
        from jsonb_array_elements(c -> 'subjects') with ordinality as t(e, n)
        order by t.n
        on conflict (ledger, key) do update set total = l.total;

        -- Read again under the locks (a new snapshot): unchanged, or nothing of this is kept.
        select decision_state(c -> 'subjects', c -> 'budgets') into v_state;
        if md5(v_state::text) is distinct from c ->> 'fingerprint' then
          raise exception 'store_decision_checked: the ledger changed since it was read' using errcode = 'YI003';
        end if;
      exception when sqlstate 'YI003' then
        -- The state as it stands (read under the locks, now released), for the caller to decide again.
        return jsonb_build_object('stale', v_state, 'fingerprint', md5(v_state::text));
      end;
      -- No budget applied (the caller decides under the locks when one does: src/decisions/decide.ts),
      -- and none does now: the decision queues nothing.
      return store_decision(p);
    end $$`.execute(db)

  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant execute on function decision_state(jsonb, jsonb) to ${APP_ROLE};
           grant execute on function store_decision_checked(jsonb, jsonb) to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists store_decision_checked(jsonb, jsonb)`.execute(db)
  await sql`drop function if exists decision_state(jsonb, jsonb)`.execute(db)
}
