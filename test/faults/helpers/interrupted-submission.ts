// A submission (POST /v1/applications) cut while it writes a ledger, for the crash tests of the ledgers
// (tax-days-crash, one-time-grant-crash, award-years-crash). The application, its decision and its ledger claims, its
// audit entries and its Idempotency-Key are written together (README "Submitting an application"):
// one statement (store_decision_checked) when no budget applies, else one transaction under the
// ledger's locks. A trigger holds the ledger row's insert (./held-inserts.ts); then one of
//   - api-killed: the API process killed with SIGKILL (no answer);
//   - connections-dropped: every connection of the API terminated (pg_terminate_backend): 503;
//   - postgres-killed: the throwaway cluster stopped -m immediate, then started again: 503.
// After it: nothing of the submission written, the audit chain verifies, the retry with the same key
// is decided (201) and the next one replays it byte for byte. What the ledger then refuses is the
// caller's to check, on the retry's answer.

import type { Test } from 'tap'
import type { Application } from '../../../src/engine/types.ts'
import { apiOnCluster } from './api-on-cluster.ts'
import {
  dropOtherConnections,
  heldInsertSleeping,
  holdInserts,
  retried,
  rowCounts,
  settled,
} from './held-inserts.ts'
import type { Instance } from './instance.ts'

export const FAULTS = ['api-killed', 'connections-dropped', 'postgres-killed'] as const
export type Fault = (typeof FAULTS)[number]

/** Every table a submission writes (README "Submitting an application"). */
const WRITTEN = [
  'applications',
  'decisions',
  'decision_outcomes',
  'ledger_subjects',
  'ledger_once',
  'ledger_periods',
  'ledger_entries',
  'audit_log',
  'idempotency_keys',
]

export interface Outcome {
  measure: string
  status: string
  amount: string | null
  reasons: { code: string; message: { zh: string; en: string } }[]
}

export interface Submitted {
  status: number
  /** the first decision's id and outcomes (201 only) */
  decisionId: string
  outcome(measure: string): Outcome
}

const parse = async (r: Response): Promise<Submitted & { text: string }> => {
  const text = await r.text()
  const body = r.status === 201 ? JSON.parse(text) : null
  const outcomes: Outcome[] = body?.decisions[0].evaluation.outcomes ?? []
  return {
    status: r.status,
    text,
    decisionId: body?.decisions[0].id,
    outcome: (measure) => outcomes.find((o) => o.measure === measure)!,
  }
}

/**
 * A later submission of what the retry was granted: stored (201), each of `measures` ineligible with
 * `code` as its first reason, which names the retry's decision (the ledger's holder).
 */
export const refusedFor = (
  t: Test,
  what: string,
  again: Submitted,
  measures: readonly string[],
  code: string,
  holder: string,
) => {
  t.equal(again.status, 201, `${what}: stored`)
  for (const measure of measures) {
    const o = again.outcome(measure)
    t.match(o, { status: 'ineligible', amount: null, reasons: [{ code }] }, `${what}: no ${measure}`)
    t.match(o.reasons[0]?.message.en, holder, `${what}: the reason names the retry's decision`)
  }
}

/**
 * The API on a throwaway cluster with inserts into `table` held on demand (`text`: the new row's
 * text the patterns match, as holdInserts takes it); null when the server binaries are missing.
 */
export const interruptedSubmissions = async (t: Test, table: string, text: string) => {
  // A backend notices its client is gone while a statement runs (here: the trigger's pg_sleep).
  const setup = await apiOnCluster(t, { settings: { client_connection_check_interval: '100ms' } })
  if (!setup) return null
  const { db, cluster, start } = setup
  let starts = 1
  let api: Instance = await start(`api-${starts}`)
  const finance = await setup.financeKey(api)
  const held = await holdInserts(db, table, text)

  const send = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    fetch(`${api.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${finance}`, 'content-type': 'application/json', ...extra },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const post = (facts: Application, key: string) =>
    send('POST', '/v1/applications', facts, { 'idempotency-key': key, 'accept-language': 'en' })
  /** A new submission (a fresh Idempotency-Key), retried while the database is unavailable. */
  const submit = async (facts: Application) => {
    const key = crypto.randomUUID()
    return parse(await retried(t, () => post(facts, key)))
  }
  /**
   * A budget for `year` and each of `measures`, larger than anything the test draws: the year's
   * applications are then stored in one transaction under the locks, not in one statement
   * (src/decisions/decide.ts submitApplication).
   */
  const budget = async (year: number, measures: readonly string[]) => {
    for (const measure of measures) {
      const r = await send('PUT', `/v1/budgets/${year}/${measure}`, { amount: '100000000.00' })
      t.equal(r.status, 200, `a ${year} budget of ${measure}`)
    }
  }
  /** Whether the decision drew a budget: it was stored on the transaction's path. */
  const drawsBudget = async (decisionId: string) =>
    (
      await db.query(`select 1 from ledger_entries where decision_id = $1 and ledger = 'budget'`, [
        decisionId,
      ])
    ).rows.length > 0
  const verify = async () =>
    ((await (await send('GET', '/v1/audit/verify')).json()) as { valid: boolean }).valid

  /**
   * Submits `facts` with `key`, holds its insert of a `table` row matching `pattern`, cuts it with
   * `fault`; checks that nothing was written and that the retry with `key` is decided once; returns
   * the retry's answer.
   */
  const interrupted = async (
    t: Test,
    fault: Fault,
    facts: Application,
    key: string,
    pattern: string,
  ): Promise<Submitted> => {
    await held.hold(pattern)
    const before = await rowCounts(db, WRITTEN)
    const pending = post(facts, key).then(
      async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() }),
      () => 'no answer' as const,
    )
    t.ok(await heldInsertSleeping(db), `the submission is half-way, its ${table} row being inserted`)
    if (fault === 'api-killed') {
      api.process.kill('SIGKILL')
      await api.exited
      t.equal(await pending, 'no answer', 'the killed API never answered')
    } else {
      if (fault === 'connections-dropped') {
        t.ok((await dropOtherConnections(db)) > 0, 'connections dropped')
      } else {
        await cluster.stopImmediately()
        await cluster.start()
      }
      const answer = await pending
      // §0 "never a 500": an unavailable database is 503 with Retry-After, the client's cue to retry
      t.match(answer, { status: 503, retryAfter: /^\d+$/ }, 'the database unavailable: 503, Retry-After')
      t.ok(api.running(), 'the API survived the fault')
    }
    t.ok(await settled(db), 'the cut statement ended: no transaction left open')
    await held.release()
    t.same(await rowCounts(db, WRITTEN), before, 'nothing of it was written, its idempotency key included')
    if (fault === 'api-killed') api = await start(`api-${++starts}`)
    t.equal(await verify(), true, 'the audit chain verifies after the fault')

    const retry = await parse(await retried(t, () => post(facts, key)))
    t.equal(
      retry.status,
      201,
      `the retry with the same key is decided ${retry.status === 201 ? '' : retry.text}`,
    )
    const again = await parse(await post(facts, key))
    t.equal(again.status, 201)
    t.equal(again.text, retry.text, 'the next retry replays it byte for byte')
    t.same(await rowCounts(db, ['applications']), { applications: before['applications']! + 1 }, 'once')
    return retry
  }
  return { db, submit, interrupted, budget, drawsBudget, verify }
}
