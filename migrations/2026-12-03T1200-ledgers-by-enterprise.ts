// Money paid once (POLICY.md §0, rulings of 2026-12-03):
// - one-time grants keep their item (tier, year, or '' for the identifier itself) in its own column
//   and the enterprise they were made for; keys no longer carry ":tier" or ":year";
// - a project's cap is its enterprise's: interest-subsidy subjects are keyed by (credit code,
//   project id), as the JSON array ["<credit code>","<project id>"];
// - the tax rewards record the days they rewarded (ledger_periods), never two grants on one day;
// - the journal (ledger_entries, append-only, audited) gains the item and the period of new rows.
//   Its existing rows are not touched: their audit entity hashes stay valid.
//
// Existing data: subjects and one-time grants are re-keyed; interest-subsidy totals are recomputed
// per enterprise from the grants of current (not superseded) decisions; the tax ledgers are
// backfilled from the stored decisions' counted records, earlier decisions first (days a later
// decision was paid for again under the first rules are left to the earlier one).
//
// Frozen once landed. The key formats are restated here on purpose: a migration sees no app code.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'
const TAX_REWARDS = ['emerging-project-tax-reward', 'startup-tech-sme-tax-reward', 'emerging-top3-tax-reward']
const TAXES = ['vat', 'enterpriseIncomeTax', 'businessTax']

interface Period {
  from: string
  to: string
}

const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

// ISO dates compare as text (not numbers: Math.max does not apply).
const later = (a: string, b: string): string => [a, b].sort()[1]!
const earlier = (a: string, b: string): string => [a, b].sort()[0]!

const subtract = (p: Period, taken: readonly Period[]): Period[] => {
  const cuts = taken
    .filter((t) => t.from <= p.to && p.from <= t.to)
    .map((t) => ({ from: later(t.from, p.from), to: earlier(t.to, p.to) }))
    .sort((a, b) => (a.from < b.from ? -1 : 1))
  const left: Period[] = []
  let next = p.from
  for (const c of cuts) {
    if (c.from > next) left.push({ from: next, to: addDays(c.from, -1) })
    if (c.to >= next) next = addDays(c.to, 1)
  }
  if (next <= p.to) left.push({ from: next, to: p.to })
  return left
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  // Each subject keeps its typed form beside its key (src/engine/ledgers.ts LedgerSubject), so a
  // ledger can be read by enterprise without parsing keys.
  await sql`alter table ledger_subjects add column subject jsonb`.execute(db)
  await sql`create index ledger_subjects_enterprise on ledger_subjects ((subject ->> 'creditCode'))`.execute(
    db,
  )

  // One-time grants: (ledger, key, item) once.
  await sql`alter table ledger_once add column item text not null default ''`.execute(db)
  await sql`alter table ledger_once add column credit_code text`.execute(db)
  await sql`
    update ledger_once o set credit_code = a.enterprise_credit_code
    from decisions d join applications a on a.id = d.application_id
    where d.id = o.decision_id`.execute(db)
  // Keys that carried the item after their last ':' (platform tier, award year).
  await sql`
    update ledger_once
    set key = substring(key from '^(.*):[^:]*$'), item = substring(key from ':([^:]*)$')
    where ledger in ('rd-platform-grant', 'top3-award-year', 'talent-award-year') and key like '%:%'`.execute(
    db,
  )
  await sql`alter table ledger_once drop constraint ledger_once_pkey`.execute(db)
  await sql`alter table ledger_once add constraint ledger_once_pkey primary key (ledger, key, item)`.execute(
    db,
  )

  // Days rewarded: never two rows of one subject on one day. The subject row lock serialises
  // writers; the trigger refuses an overlap even if that logic were wrong.
  await sql`
    create table ledger_periods (
      ledger text not null,
      key text not null,
      from_date date not null,
      to_date date not null,
      decision_id uuid not null references decisions (id),
      credit_code text,
      primary key (ledger, key, from_date),
      check (from_date <= to_date)
    )`.execute(db)
  await sql`
    create function ledger_periods_no_overlap() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from ledger_periods p
                 where p.ledger = new.ledger and p.key = new.key
                   and p.from_date <= new.to_date and new.from_date <= p.to_date) then
        raise exception 'days % to % of % % were already rewarded', new.from_date, new.to_date, new.ledger, new.key
          using errcode = 'exclusion_violation', constraint = 'ledger_periods_no_overlap';
      end if;
      return new;
    end $$`.execute(db)
  await sql`
    create trigger ledger_periods_no_overlap before insert on ledger_periods
    for each row execute function ledger_periods_no_overlap()`.execute(db)

  // The journal: item and period of new rows; 'days' movements.
  await sql`alter table ledger_entries add column item text`.execute(db)
  await sql`alter table ledger_entries add column period_from date`.execute(db)
  await sql`alter table ledger_entries add column period_to date`.execute(db)
  await sql`alter table ledger_entries drop constraint ledger_entries_kind_check`.execute(db)
  await sql`
    alter table ledger_entries add constraint ledger_entries_kind_check
    check (kind in ('cumulative', 'once', 'days', 'reversal'))`.execute(db)

  // Interest-subsidy subjects by (credit code, project id), totals from current decisions' grants.
  const caps = await sql<{ cap: string | null }>`
    select max(cap) as cap from ledger_subjects where ledger = 'interest-subsidy'`.execute(db)
  await sql`delete from ledger_subjects where ledger = 'interest-subsidy'`.execute(db)
  await sql`
    insert into ledger_subjects (ledger, key, total, cap)
    select 'interest-subsidy',
           '[' || to_json(a.enterprise_credit_code)::text || ',' || to_json(a.project_id)::text || ']',
           sum(e.amount), ${caps.rows[0]?.cap ?? null}::numeric
    from ledger_entries e
    join decisions d on d.id = e.decision_id
    join applications a on a.id = d.application_id
    where e.ledger = 'interest-subsidy' and e.kind = 'cumulative'
      and not exists (select 1 from decisions s where s.supersedes = d.id)
    group by a.enterprise_credit_code, a.project_id`.execute(db)

  // The typed subject of every subject row that existed before (one-part keys are the id itself).
  await sql`
    update ledger_subjects set subject = case ledger
      when 'interest-subsidy' then jsonb_build_object('ledger', ledger, 'creditCode', key::jsonb ->> 0, 'projectId', key::jsonb ->> 1)
      when 'top3-award-year' then jsonb_build_object('ledger', ledger, 'creditCode', key)
      when 'talent-award-year' then jsonb_build_object('ledger', ledger, 'personId', key)
      when 'rd-platform-grant' then jsonb_build_object('ledger', ledger, 'platformId', key)
      when 'research-institute-award' then jsonb_build_object('ledger', ledger, 'eventId', key)
      when 'standards-award' then jsonb_build_object('ledger', ledger, 'standardId', key)
    end`.execute(db)

  // Tax days, from the counted records of current decisions' eligible tax rewards, oldest first.
  const outcomes = await sql<{
    decision_id: string
    credit_code: string
    project_id: string | null
    evaluation: { outcomes: { measure: string; status: string; details: Record<string, unknown> }[] }
  }>`
    select d.id as decision_id, a.enterprise_credit_code as credit_code, a.project_id, d.evaluation
    from decisions d join applications a on a.id = d.application_id
    where not exists (select 1 from decisions s where s.supersedes = d.id)
    order by d.seq`.execute(db)
  const taken = new Map<string, Period[]>()
  const subjects = new Map<string, object>()
  const rows: Record<string, unknown>[] = []
  for (const row of outcomes.rows) {
    const evaluation = typeof row.evaluation === 'string' ? JSON.parse(row.evaluation) : row.evaluation
    for (const o of evaluation.outcomes) {
      if (!TAX_REWARDS.includes(o.measure) || o.status !== 'eligible') continue
      const projectId = o.measure === 'emerging-project-tax-reward' ? row.project_id : null
      const awardYear = o.details['awardYear'] as number | undefined
      const records = (o.details['records'] ?? []) as {
        counted: Period
        taxes: { tax: string }[]
      }[]
      for (const record of records) {
        // top-3: the award year's days only (the year before is the comparison base)
        if (awardYear !== undefined && !record.counted.from.startsWith(String(awardYear))) continue
        for (const { tax } of record.taxes) {
          if (!TAXES.includes(tax)) continue
          const key = JSON.stringify([
            o.measure,
            row.credit_code,
            projectId === null ? 'enterprise' : 'project',
            projectId,
            tax,
          ])
          subjects.set(key, {
            ledger: 'tax-days',
            measure: o.measure,
            creditCode: row.credit_code,
            projectId,
            tax,
          })
          const held = taken.get(key) ?? []
          for (const p of subtract(record.counted, held)) {
            held.push(p)
            rows.push({
              ledger: 'tax-days',
              key,
              from_date: p.from,
              to_date: p.to,
              decision_id: row.decision_id,
              credit_code: row.credit_code,
            })
          }
          taken.set(key, held)
        }
      }
    }
  }
  for (const row of rows) await db.insertInto('ledger_periods').values(row).execute()
  for (const [key, subject] of subjects) {
    await sql`
      insert into ledger_subjects (ledger, key, subject) values ('tax-days', ${key}, ${JSON.stringify(subject)}::jsonb)
      on conflict do nothing`.execute(db)
  }

  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant select, insert, update, delete on ledger_periods to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists ledger_periods`.execute(db)
  await sql`drop index if exists ledger_subjects_enterprise`.execute(db)
  await sql`alter table ledger_subjects drop column subject`.execute(db)
  await sql`drop function if exists ledger_periods_no_overlap()`.execute(db)
  await sql`delete from ledger_subjects where ledger = 'tax-days'`.execute(db)
  // Interest-subsidy subjects back to the project id alone (totals of one id summed).
  await sql`
    insert into ledger_subjects (ledger, key, total, cap)
    select 'interest-subsidy', (key::json ->> 1), sum(total), max(cap)
    from ledger_subjects where ledger = 'interest-subsidy' and key like '[%'
    group by key::json ->> 1
    on conflict (ledger, key) do update set total = excluded.total, cap = excluded.cap`.execute(db)
  await sql`delete from ledger_subjects where ledger = 'interest-subsidy' and key like '[%'`.execute(db)
  await sql`alter table ledger_once drop constraint ledger_once_pkey`.execute(db)
  await sql`update ledger_once set key = key || ':' || item where item <> ''`.execute(db)
  await sql`alter table ledger_once add constraint ledger_once_pkey primary key (ledger, key)`.execute(db)
  await sql`alter table ledger_once drop column item`.execute(db)
  await sql`alter table ledger_once drop column credit_code`.execute(db)
  await sql`alter table ledger_entries drop constraint ledger_entries_kind_check`.execute(db)
  await sql`
    alter table ledger_entries add constraint ledger_entries_kind_check
    check (kind in ('cumulative', 'once', 'reversal'))`.execute(db)
  await sql`alter table ledger_entries drop column item`.execute(db)
  await sql`alter table ledger_entries drop column period_from`.execute(db)
  await sql`alter table ledger_entries drop column period_to`.execute(db)
}
