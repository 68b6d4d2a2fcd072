// Deciding and storing an application (src/decisions/decide.ts): what one stored decision costs the
// database in round trips, when the precheck's record is reused, and that what is stored is the
// engine's compact record from which the auditor's view is rendered exactly.

import { type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, sql } from 'kysely'
import t from 'tap'
import type { Caller } from '../../src/auth/api-keys.ts'
import { precheck, submitApplication, submitLocked } from '../../src/decisions/decide.ts'
import { decideCompact, evaluate } from '../../src/engine/evaluate.ts'
import { storedRecord } from '../../src/engine/stored-record.ts'
import type { Application, History } from '../../src/engine/types.ts'
import { withConsequenceTexts } from '../../src/i18n/consequences.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'
import { EXAMPLES } from '../helpers/requests.ts'

/**
 * Records each statement executed (one result each: a round trip), by the kind of its root node.
 * BEGIN and COMMIT are the driver's, not counted. A query's sub-queries are transformed too (a
 * UNION's other half), so the kind is taken per query id and counted on its result.
 */
class StatementCounter implements KyselyPlugin {
  statements: string[] = []
  #kinds = new WeakMap<object, string>()
  transformQuery(args: PluginTransformQueryArgs) {
    if (!this.#kinds.has(args.queryId)) this.#kinds.set(args.queryId, args.node.kind)
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs) {
    this.statements.push(this.#kinds.get(args.queryId) ?? '?')
    return args.result
  }
}

const financeCaller = async (database: Awaited<ReturnType<typeof testDatabase>>): Promise<Caller> => {
  await keysFor(database)
  const row = (await sql<{ id: string }>`select id from api_keys where role = 'finance'`.execute(database.db))
    .rows[0]!
  return { keyId: row.id, role: 'finance', enterprise: null }
}

t.test('the write path', async (t) => {
  const database = await testDatabase(t)
  const caller = await financeCaller(database)

  t.test(
    'one stored decision: the ledger state read, then ONE statement that locks, checks and writes',
    async (t) => {
      for (const [label, facts] of [
        ['a first application (nothing in the ledger)', deepProcessing('p-rt', '120000000.00')],
        ['a second one on the same ledger rows', deepProcessing('p-rt', '80000000.00', '2015-07-01')],
      ] as const) {
        const counter = new StatementCounter()
        const completion = {
          callerKeyId: caller.keyId,
          key: `rt-${label}`,
          requestHash: 'ab'.repeat(32),
          status: 201,
        }
        await submitApplication(database.db.withPlugin(counter), caller, facts, {
          precomputed: precheck(facts),
          respond: () => ({ body: '{}', completion }),
        })
        // decision_state (unlocked, no transaction), then store_decision_checked: the locks, the
        // same state read again under them, and store_decision for every write.
        t.same(counter.statements, ['RawNode', 'RawNode'], label)
      }
      const key = await sql<{ state: string }>`
      select state from idempotency_keys where key like 'rt-%'`.execute(database.db)
      t.same(
        key.rows.map((r) => r.state),
        ['done', 'done'],
        'the key was claimed and completed by that same statement',
      )
    },
  )

  t.test(
    'the locked path: budget and subject locks, history, then ONE statement for every write',
    async (t) => {
      const facts = deepProcessing('p-rt-locked', '120000000.00')
      const counter = new StatementCounter()
      await submitLocked(database.db.withPlugin(counter), caller, facts, { precomputed: precheck(facts) })
      // The budget lookup (RawNode: locks the budgets that apply, none here), the subjects' lock
      // (insert … on conflict), the history, then store_decision for every write.
      t.same(counter.statements, ['RawNode', 'InsertQueryNode', 'SelectQueryNode', 'RawNode'])
    },
  )

  t.test('the precheck record is the decision only when the ledger holds nothing', async (t) => {
    // A stand-in record, recognisable by its date, shows which record was stored.
    const facts = deepProcessing('p-reuse', '120000000.00')
    const marked = { ...precheck(facts), asOf: '2015-06-02' }
    const first = await submitApplication(database.db, caller, facts, { precomputed: marked })
    t.equal(first.decision.asOf, '2015-06-02', 'nothing granted yet: the precheck record is stored')
    const again = deepProcessing('p-reuse', '80000000.00', '2015-07-01')
    const second = await submitApplication(database.db, caller, again, {
      precomputed: { ...precheck(again), asOf: '2015-07-02' },
    })
    t.equal(second.decision.asOf, '2015-07-01', 'something granted: decided afresh with the history')
    const history = second.decision.history as History
    t.same(second.decision.evaluation, storedRecord(decideCompact(again, { history })))
  })

  t.test('what is stored is the compact record', async (t) => {
    const facts = deepProcessing('p-compact', '120000000.00')
    const decided = await submitApplication(database.db, caller, facts, {})
    const row = (
      await sql<{ record_format: string; parameters: unknown; evaluation: unknown; bytes: number }>`
        select record_format, parameters, evaluation::jsonb as evaluation, pg_column_size(evaluation) as bytes
        from decisions where id = ${decided.decision.id}`.execute(database.db)
    ).rows[0]!
    t.equal(row.record_format, 'compact')
    t.equal(row.parameters, null, 'the parameters read are in the record, not copied beside it')
    t.same(row.evaluation, storedRecord(decideCompact(facts)), 'the record, stored in format 3')
    const full = Buffer.byteLength(JSON.stringify(evaluate(facts)))
    t.ok(
      row.bytes * 3 <= full,
      `stored ${row.bytes} B (text, compressed) against ${full} B of explained evaluation: at least 3× less`,
    )
  })
})

t.test('the auditor view rendered from each stored record is the full evaluation', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  for (const example of EXAMPLES) {
    const facts = example.body.application as unknown as Application
    const posted = await app.inject({
      method: 'POST',
      url: '/v1/applications?explain=full',
      headers: { ...bearer(keys.finance), 'idempotency-key': `golden-${example.name}` },
      payload: facts,
    })
    t.equal(posted.statusCode, 201, example.name)
    const decision = posted.json().decisions[0]
    // The request's language is the default, Chinese; gates carry their consequences in words.
    const expected = JSON.parse(
      JSON.stringify(withConsequenceTexts(evaluate(facts, { history: decision.history }, 'zh-CN'))),
    )
    t.same(decision.evaluation, expected, `${example.name}: the response`)
    const read = await app.inject({
      method: 'GET',
      url: `/v1/decisions/${decision.id}?explain=full`,
      headers: bearer(keys.auditor),
    })
    t.same(read.json().evaluation, expected, `${example.name}: read back`)
    const replay = await app.inject({
      method: 'POST',
      url: `/v1/decisions/${decision.id}/replay`,
      headers: bearer(keys.auditor),
    })
    t.match(replay.json(), { identical: true, differences: [] }, `${example.name}: replayed field by field`)
  }
})
