// A batch chunk decided and stored set-based (src/decisions/decide-chunk.ts, store_decisions of
// migration 2026-12-03T1710) against the same rows posted alone one by one (submitApplication):
// rows that share a subject — one project under the §18 cap, one R&D platform granted once, one
// budget pool (POLICY.md §3) — are decided in row order, and the chunk leaves exactly what posting
// them alone leaves: outcomes and amounts, running totals, one-time grants, the journal, the budget
// queue, the order of applications and of audit entries. The chunk's audit entries verify, and the
// chunk costs a fixed number of statements whatever its number of rows (issue #11 "Speed").

import { type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, sql } from 'kysely'
import t, { type Test } from 'tap'
import { verifyAudit } from '../../src/audit/verify.ts'
import type { Caller } from '../../src/auth/api-keys.ts'
import { setBudgetAmount } from '../../src/db/budget-repository.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { submitApplication } from '../../src/decisions/decide.ts'
import { DEFAULT_STORE_ROWS, decideChunk } from '../../src/decisions/decide-chunk.ts'
import { decideCompact } from '../../src/engine/decide.ts'
import type { Application } from '../../src/engine/types.ts'
import { testDatabase } from '../helpers/database.ts'
import { deepProcessing, example, keysFor } from '../helpers/fixtures.ts'

/** Counts the statements (round trips) run through a Kysely instance. */
class StatementCounter implements KyselyPlugin {
  count = 0
  transformQuery(args: PluginTransformQueryArgs) {
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs) {
    this.count += 1
    return args.result
  }
}

// Example 1 (POLICY.md §5): 120 000 000.00 of investment, 7 200 000.00 of interest subsidy; the §18
// cap of 10 000 000.00 per project leaves 2 800 000.00 for its second application, 0 for a third.
const sameProject = () => deepProcessing('shared-line', '120000000.00')
const otherProject = (id: string) => deepProcessing(id, '120000000.00')
const platform = (enterprise: string): Application => ({
  applicationDate: '2015-09-01',
  enterprise: { creditCode: enterprise, name: 'R&D' },
  claims: {
    rdPlatforms: [
      { id: 'nerc-rare-metals', kind: 'national-engineering-research-center', recognisedOn: '2015-05-01' },
    ],
  },
})
const ROWS: Application[] = [
  sameProject(),
  platform('91530300MA6R4J6E84'),
  sameProject(),
  otherProject('line-b'),
  platform('91530100MA6N2X3P4X'),
  sameProject(),
  otherProject('line-c'),
]

const prepared = async (t: Test): Promise<{ database: DatabaseHandle; caller: Caller }> => {
  const database = await testDatabase(t)
  await keysFor(database)
  const key = (await sql<{ id: string }>`select id from api_keys where role = 'finance'`.execute(database.db))
    .rows[0]!
  const caller: Caller = { keyId: key.id, role: 'finance', enterprise: null }
  // A 2015 interest-subsidy budget of 12 000 000.00: 7 200 000.00 + 2 800 000.00 drawn, then
  // line-b's 7 200 000.00 no longer fits (unfunded), and line-c waits behind it in the queue.
  await database.db
    .transaction()
    .execute((trx) =>
      setBudgetAmount(
        trx,
        { ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: null },
        '12000000.00',
        null,
        caller.keyId,
      ),
    )
  return { database, caller }
}

/** ROWS decided as one chunk in one transaction (stored or dry), counted by `counter`. */
const decideRows = (
  { database, caller }: { database: DatabaseHandle; caller: Caller },
  counter: StatementCounter,
  store: boolean,
  storeRows?: number,
) =>
  database.db
    .withPlugin(counter)
    .transaction()
    .execute((trx) =>
      decideChunk(
        trx,
        caller,
        ROWS.map((facts, i) => ({ row: i + 1, facts })),
        store,
        undefined,
        storeRows,
      ),
    )

/** Everything the rows left in the database, with decisions and applications named by row. */
const state = async (database: DatabaseHandle) => {
  const q = async <R>(query: ReturnType<typeof sql<R>>) => (await query.execute(database.db)).rows
  const applications = await q<{ id: string }>(sql`select id from applications order by seq`)
  const rowOf = new Map(applications.map((a, i) => [a.id, i + 1]))
  const decisions = await q<{ id: string; application_id: string }>(
    sql`select id, application_id from decisions order by seq`,
  )
  for (const d of decisions) rowOf.set(d.id, rowOf.get(d.application_id)!)
  const row = (id: string) => rowOf.get(id) ?? id
  return {
    outcomes: (
      await q<{ decision_id: string; measure: string; status: string; amount: string | null }>(
        sql`select decision_id, measure, status, amount::text from decision_outcomes_all order by measure`,
      )
    )
      .map((o) => `${row(o.decision_id)} ${o.measure} ${o.status} ${o.amount}`)
      .sort(),
    totals: await q<{ ledger: string; total: string }>(
      sql`select ledger, key, total::text, cap::text from ledger_subjects order by ledger, key`,
    ),
    once: (
      await q<{ ledger: string; key: string; item: string; decision_id: string; amount: string | null }>(
        sql`select ledger, key, item, decision_id, amount::text from ledger_once order by ledger, key, item`,
      )
    ).map((o) => ({ ...o, decision_id: row(o.decision_id) })),
    journal: (
      await q<{ decision_id: string; ledger: string; key: string; kind: string; amount: string | null }>(
        sql`select decision_id, ledger, key, kind, amount::text from ledger_entries order by id`,
      )
    ).map((e) => ({ ...e, decision_id: row(e.decision_id) })),
    queue: (
      await q<{ decision_id: string; measure: string; key: string; amount: string }>(
        sql`select decision_id, measure, key, amount::text from budget_queue order by key, decision_id`,
      )
    )
      .map((e) => ({ ...e, decision_id: row(e.decision_id) }))
      .sort((a, b) => Number(a.decision_id) - Number(b.decision_id)),
    audit: (
      await q<{ action: string; entity_type: string; entity_id: string }>(
        sql`select action, entity_type, entity_id from audit_log where entity_type <> 'api-key' order by seq`,
      )
    ).map((e) => `${e.action} ${e.entity_type === 'ledger-entry' ? 'ledger-entry' : row(e.entity_id)}`),
  }
}

// The chunk's writes go to PostgreSQL in groups of `storeRows` rows while the next rows are decided
// (src/db/pipeline.ts): in one group (the default, 100 rows), and in groups of 2, so that the shared
// project's rows (1, 3, 6) and the queued rows (4, 7) fall in different groups.
for (const storeRows of [DEFAULT_STORE_ROWS, 2])
  t.test(
    `a chunk stores its rows in row order exactly as posting them alone (groups of ${storeRows})`,
    async (t) => {
      const alone = await prepared(t)
      for (const facts of ROWS) await submitApplication(alone.database.db, alone.caller, facts)

      const chunk = await prepared(t)
      const counter = new StatementCounter()
      const results = await decideRows(chunk, counter, true, storeRows)
      t.same(
        results.map((r) => r.status),
        ROWS.map(() => 'decided'),
      )
      // Budgets (lock, queue ahead), subjects (lock), history, then one store_decisions per group: a
      // fixed number of statements per chunk and group — never one per row.
      const groups = Math.ceil(ROWS.length / storeRows)
      t.equal(counter.count, 4 + groups, `four statements, then one per group of rows (${groups})`)

      const expected = await state(alone.database)
      const actual = await state(chunk.database)
      t.same(actual.outcomes, expected.outcomes, 'every outcome and amount as posted alone')
      t.same(actual.totals, expected.totals, 'running totals: the §18 cap and the budget drawn')
      t.same(actual.once, expected.once, 'one-time grants')
      t.same(actual.journal, expected.journal, 'the journal, in the same order')
      t.same(actual.queue, expected.queue, 'the budget queue')
      t.same(actual.audit, expected.audit, 'audit entries in the same order')

      // The figures of POLICY.md §5 example 1 and the §18 cap, in row order.
      const interest = (row: number) => actual.outcomes.find((o) => o.startsWith(`${row} interest-subsidy `))
      t.equal(interest(1), '1 interest-subsidy eligible 7200000.00', 'row 1: example 1')
      t.equal(interest(3), '3 interest-subsidy eligible 2800000.00', 'row 3: what is left under the cap')
      t.match(interest(6), /^6 interest-subsidy (ineligible|capped) /, 'row 6: nothing left')
      t.equal(interest(4), '4 interest-subsidy unfunded 7200000.00', 'row 4: the budget cannot cover it')
      t.equal(interest(7), '7 interest-subsidy unfunded 7200000.00', 'row 7: waits behind row 4')
      t.same(
        actual.totals
          .filter((s) => s.ledger === 'budget' || s.ledger === 'interest-subsidy')
          .map((s) => s.total),
        ['10000000.00', '0.00', '0.00', '10000000.00'],
        'budget drawn 10 000 000.00; the shared project at its cap; the unfunded projects drew nothing',
      )

      const verification = await verifyAudit(chunk.database.db)
      t.match(verification, { valid: true, first_bad_seq: null }, 'the audit chain and every entity verify')
      const entries = await sql<{ n: string }>`select count(*)::text as n from audit_log`.execute(
        chunk.database.db,
      )
      t.equal(verification.checked, Number(entries.rows[0]!.n), 'every entry checked')
    },
  )

t.test(
  "a group's store fails while the next rows are decided: its error is thrown, nothing is stored",
  async (t) => {
    const chunk = await prepared(t)
    const before = await state(chunk.database)
    // Row 4's application (project line-b, in the second group of 2) is refused by PostgreSQL.
    await sql`create function refuse_line_b() returns trigger language plpgsql as $$
      begin
        if new.project_id = 'line-b' then raise exception 'line-b refused (test)'; end if;
        return new;
      end $$`.execute(chunk.database.db)
    await sql`create trigger refuse_line_b before insert on applications
      for each row execute function refuse_line_b()`.execute(chunk.database.db)
    const counter = new StatementCounter()
    await t.rejects(
      decideRows(chunk, counter, true, 2),
      /line-b refused \(test\)/,
      "the failed group's error, not the refusal of the groups sent after it",
    )
    t.same(
      await state(chunk.database),
      before,
      'the whole chunk rolled back: nothing stored, granted or queued',
    )
    // Four reads and the first group's store answered; the refused group, and any sent after it
    // before the refusal came back, failed.
    t.equal(counter.count, 4 + 1, 'nothing succeeded after the refused group')
    await sql`drop trigger refuse_line_b on applications`.execute(chunk.database.db)
    const results = await decideRows(chunk, new StatementCounter(), true, 2)
    t.same(
      results.map((r) => r.status),
      ROWS.map(() => 'decided'),
      'the chunk decided again on the same connection pool: all stored',
    )
  },
)

t.test(
  'a dry-run chunk previews what the chunk would store, reads set-based and writes nothing',
  async (t) => {
    const alone = await prepared(t)
    for (const facts of ROWS) await submitApplication(alone.database.db, alone.caller, facts)
    const expected = await state(alone.database)

    const dry = await prepared(t)
    const counter = new StatementCounter()
    const results = await decideRows(dry, counter, false)
    // Budgets (lock, queue ahead), subjects (read), history: four reads for the whole chunk.
    t.equal(counter.count, 4, 'four statements for the whole chunk, none per row')
    const previewed = results
      .flatMap((r) =>
        r.status === 'decided'
          ? r.evaluation.outcomes.map((o) => `${r.row} ${o.measure} ${o.status} ${o.amount}`)
          : [],
      )
      .sort()
    t.same(previewed, expected.outcomes, 'the outcomes and amounts a submit stores, row by row')
    const after = await state(dry.database)
    t.same(
      { outcomes: after.outcomes, journal: after.journal, queue: after.queue, audit: after.audit },
      { outcomes: [], journal: [], queue: [], audit: [] },
      'nothing stored, granted or queued',
    )
    t.same(
      after.totals.filter((s) => s.ledger === 'budget').map((s) => s.total),
      ['0.00'],
      'the budget drew nothing',
    )
  },
)

t.test('a chunk keeps every outcome’s reasons as decided alone, one object where rows agree', async (t) => {
  const { database, caller } = await prepared(t)
  // No budget: nothing a row claims changes what another sees.
  await sql`delete from ledger_subjects where ledger = 'budget'`.execute(database.db)
  const moved = otherProject('reasons-b')
  // Rows on subjects of their own: each as the engine decides it alone.
  const rows: Application[] = [
    otherProject('reasons-a'),
    example('startup-tech-sme-tax-reward'),
    platform('91530300MA6R4J6E84'),
    { ...moved, project: { ...moved.project!, buildType: 'new-build', deepProcessing: false } },
    otherProject('reasons-c'),
  ]
  const results = await database.db.transaction().execute((trx) =>
    decideChunk(
      trx,
      caller,
      rows.map((facts, i) => ({ row: i + 1, facts })),
      false,
    ),
  )
  const kept = results.map((r) => (r.status === 'decided' ? r.evaluation.outcomes : []))
  for (const [i, facts] of rows.entries())
    t.same(
      kept[i],
      decideCompact(facts).outcomes.map((o) => ({
        measure: o.measure,
        status: o.status,
        amount: o.amount,
        reasons: o.reasons.map((r) => ({ code: r.code, zh: r.message.zh, en: r.message.en })),
      })),
      `row ${i + 1}: measures, statuses, amounts, reasons and their texts as decided alone`,
    )
  t.ok(
    kept[0]!.some((o, k) => o.amount === null && kept[3]![k]!.reasons[0]?.code !== o.reasons[0]?.code),
    'rows 1 and 4 differ in some reason',
  )
  const shared = kept[0]!.filter((o, k) => o.amount === null && o.reasons.length <= 1 && kept[4]![k] === o)
  t.equal(
    shared.length,
    kept[0]!.filter((o) => o.amount === null && o.reasons.length <= 1).length,
    'rows 1 and 5 (the same facts but their project) share each outcome without an amount',
  )
  t.ok(shared.length > 0)
})
