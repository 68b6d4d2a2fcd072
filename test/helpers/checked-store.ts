// What the checked-store tests share (test/decisions/checked-store*.test.ts): a statement counter,
// the finance caller, another enterprise's copy of an application, and the ledgers and row counts as
// comparable values.

import {
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  sql,
} from 'kysely'
import type { Caller } from '../../src/auth/api-keys.ts'
import type { Database } from '../../src/db/schema.ts'
import type { Application } from '../../src/engine/types.ts'
import { ENTERPRISE_B } from './fixtures.ts'
import { EXAMPLES } from './requests.ts'

/** The statements a Kysely instance runs: 'state' for decision_state, else the root node's kind. */
export class StatementCounter implements KyselyPlugin {
  statements: string[] = []
  transformQuery(args: PluginTransformQueryArgs) {
    const node = args.node as { kind: string; sqlFragments?: readonly string[] }
    const text = node.kind === 'RawNode' ? (node.sqlFragments ?? []).join('?') : ''
    this.statements.push(text.includes('decision_state(') ? 'state' : node.kind)
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result
  }
}

export const financeCaller = async (db: Kysely<Database>): Promise<Caller> => {
  const row = (await sql<{ id: string }>`select id from api_keys where role = 'finance'`.execute(db)).rows[0]!
  return { keyId: row.id, role: 'finance', enterprise: null }
}

export const ofEnterpriseB = (facts: Application): Application => ({
  ...facts,
  enterprise: { creditCode: ENTERPRISE_B, name: 'Kunming Competitor Co.' },
})

export const platform = (
  EXAMPLES.find((e) => e.name === 'rd-platform-grant.json')!.body as unknown as { application: Application }
).application

/** What the ledgers hold, as comparable rows (ids left out: they differ between databases). */
export const ledgerState = async (db: Kysely<Database>) => ({
  totals: (
    await sql`select ledger, key, total::text, cap::text from ledger_subjects where total <> 0 order by ledger, key`.execute(
      db,
    )
  ).rows,
  once: (
    await sql`select ledger, key, item, amount::text from ledger_once order by ledger, key, item`.execute(db)
  ).rows,
  queue: (await sql`select measure, key, amount::text from budget_queue order by key, measure`.execute(db))
    .rows,
})

export const counts = async (db: Kysely<Database>) =>
  (
    await sql<Record<string, number>>`select
      (select count(*)::int from applications) as applications, (select count(*)::int from decisions) as decisions,
      (select count(*)::int from ledger_subjects) as subjects, (select count(*)::int from ledger_once) as once,
      (select count(*)::int from ledger_entries) as entries, (select count(*)::int from budget_queue) as queue,
      (select count(*)::int from idempotency_keys) as keys, (select count(*)::int from audit_log) as audit`.execute(
      db,
    )
  ).rows[0]!
