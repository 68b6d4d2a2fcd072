// Deciding a chunk of a batch's rows in one transaction, set-based (issue #11 "Speed"): lock every
// subject the chunk touches in one statement, in (ledger, key) order (lockSubjects — the order every
// decision locks in, so a chunk and a single application cannot deadlock); read their history once;
// decide the rows IN ROW ORDER in memory, each on the history it would have seen had the rows before
// it been posted alone (their claims applied to an in-memory copy of the ledger: running totals
// added to the fen, one-time grants and rewarded days appended); and write the decisions set-based,
// one statement per group of `storeRows` rows (storeDecisionWrites: store_decisions, one insert per
// table for the group, the audit entries appended in row order in the same call), each group sent as
// soon as it is prepared so that PostgreSQL stores it while the next group is decided
// (src/db/pipeline.ts).
//
// A dry run reads the same subjects without locking or creating them and writes nothing to the
// ledgers: its rows still see the claims of the rows before them, so it previews what `submit` would
// decide. The rows before it in the batch's earlier chunks too (issue #11 "dry-run evaluates every
// row against the ledgers as they stand"): a dry run of a batch keeps its chunks' would-be claims
// with the batch (src/db/dry-claims-repository.ts), written in the chunk's transaction, and a chunk
// adds those of the chunks before it to the ledger and budgets as they stand — so a project's rows
// split by a chunk boundary do not each get the full cap, whatever the chunk size, and a chunk
// re-decided after a failure sees exactly the claims of the rows before it (its own were rolled back).

import type { Caller } from '../auth/api-keys.ts'
import type { RowReason } from '../db/batches-repository.ts'
import { lockBudgets } from '../db/budget-repository.ts'
import {
  type DecisionWrite,
  type QueuedOutcome,
  type StoredApplication,
  storeDecisionWrites,
} from '../db/decisions-repository.ts'
import { type DryClaim, insertDryClaims } from '../db/dry-claims-repository.ts'
import type { Executor } from '../db/executor.ts'
import {
  historyFor,
  lockSubjects,
  readSubjects,
  type Subject,
  subjectsOf,
  uniqueSubjects,
} from '../db/ledger-repository.ts'
import { Pipeline } from '../db/pipeline.ts'
import { budgetCandidates, budgetScopeKey } from '../engine/budgets.ts'
import { type CompactEvaluation, decideCompact } from '../engine/decide.ts'
import { EngineError } from '../engine/evaluate.ts'
import {
  type BudgetState,
  type History,
  type LedgerClaim,
  type LedgerGrant,
  type LedgerName,
  subjectKey,
  unpackClaim,
} from '../engine/ledgers.ts'
import { formatFen, parseFen } from '../engine/money.ts'
import type { Application, Reason } from '../engine/types.ts'
import { inputHash, newApplication, prepareDecision, unfundedRows, withBudgets } from './decide.ts'

export interface ChunkRow {
  row: number
  facts: Application
}

/**
 * Rows whose writes go to PostgreSQL together, while the next ones are decided (decideChunk's
 * `storeRows`). Measured with bench/batch-speed.ts (BENCHMARKS.md).
 */
export const DEFAULT_STORE_ROWS = 100

/**
 * What a chunk's caller keeps of a row's evaluation (src/batches/run.ts: the row's results and the
 * batch's counts), already in the shape of a result's outcomes (RowOutcome), so the caller copies
 * nothing. The rest — traces, details, ledger claims, parameters — is let go as soon as the row is
 * decided (issue #11 "Speed"): a chunk that kept its 500 evaluations alive until its results were
 * written made every young-generation collection copy them, which cost the dry run about a third of
 * the engine's own time (CPU per row, measured with bench/batch-speed.ts).
 */
export interface ChunkEvaluation {
  totalAmount: CompactEvaluation['totalAmount']
  outcomes: readonly KeptOutcome[]
}

/** An outcome as a chunk keeps it; one object for the rows whose outcome is the same (ChunkKept). */
export interface KeptOutcome {
  readonly measure: CompactEvaluation['outcomes'][number]['measure']
  readonly status: CompactEvaluation['outcomes'][number]['status']
  readonly amount: string | null
  readonly reasons: readonly RowReason[]
}

const NO_REASONS: readonly RowReason[] = Object.freeze([])

/**
 * What a chunk keeps of its rows' outcomes, in the results' shape, shared where rows agree: one
 * object per distinct reason (code and both texts; the field is not shown), and one per outcome
 * without an amount and with at most one reason (measure, status, reason) — most of a batch's
 * outcomes (a measure the row does not claim: ineligible, MISSING_INPUT), the same hundreds of times
 * in a chunk. Each row's copies would otherwise stay alive until the chunk's results are written,
 * for every young-generation collection to copy; and whoever writes the results converts each
 * shared object once, finding it by identity (insertResults).
 */
class ChunkKept {
  private readonly reasonsByZh = new Map<string, RowReason[]>()
  /** outcomes without an amount, by their one reason (undefined: none) */
  private readonly outcomesByReason = new Map<RowReason | undefined, KeptOutcome[]>()

  reason(r: Reason): RowReason {
    const { zh, en } = r.message
    const same = this.reasonsByZh.get(zh)
    const found = same?.find((x) => x.code === r.code && x.en === en)
    if (found) return found
    const reason: RowReason = { code: r.code, zh, en }
    if (same) same.push(reason)
    else this.reasonsByZh.set(zh, [reason])
    return reason
  }

  outcome(o: CompactEvaluation['outcomes'][number]): KeptOutcome {
    const { measure, status, amount } = o
    if (amount !== null || o.reasons.length > 1)
      return { measure, status, amount, reasons: o.reasons.map((r) => this.reason(r)) }
    const reason = o.reasons.length === 0 ? undefined : this.reason(o.reasons[0]!)
    const same = this.outcomesByReason.get(reason)
    const found = same?.find((x) => x.measure === measure && x.status === status)
    if (found) return found
    const kept: KeptOutcome = { measure, status, amount, reasons: reason ? [reason] : NO_REASONS }
    if (same) same.push(kept)
    else this.outcomesByReason.set(reason, [kept])
    return kept
  }

  evaluation(e: CompactEvaluation): ChunkEvaluation {
    return { totalAmount: e.totalAmount, outcomes: e.outcomes.map((o) => this.outcome(o)) }
  }
}

export type ChunkRowResult =
  | {
      row: number
      status: 'decided'
      evaluation: ChunkEvaluation
      /** submit only: what was stored */
      applicationId: string | null
      decisionId: string | null
    }
  | {
      row: number
      status: 'error'
      errors: { pointer: string; message: string; messageZh: string; code: string }[]
    }

const subjectId = (ledger: string, key: string) => `${ledger}\u0000${key}`

/** Text comparison as historyFor's ORDER BY sees ASCII items and ISO dates. */
const compareText = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1

/** The ledger as the chunk's rows see it: read once, then each decided row's claims applied. */
class ChunkLedger {
  private readonly totals = new Map<string, bigint>()
  private readonly grants = new Map<string, LedgerGrant[]>()

  constructor(history: History) {
    for (const t of history.totals ?? []) this.totals.set(subjectId(t.ledger, t.key), parseFen(t.total))
    for (const g of history.grants ?? []) this.addGrant(subjectId(g.ledger, g.key), g)
  }

  /** The batch's earlier chunks' claims (dry run), in row order: as apply would have applied them. */
  carry(claims: readonly DryClaim[]): void {
    for (const c of claims) {
      if (c.ledger === 'budget') continue
      const id = subjectId(c.ledger, c.key)
      if (c.kind === 'cumulative') this.totals.set(id, (this.totals.get(id) ?? 0n) + parseFen(c.amount!))
      else if (c.kind === 'once' || c.kind === 'days')
        this.addGrant(id, {
          ledger: c.ledger as LedgerName,
          key: c.key,
          kind: c.kind,
          item: c.item,
          period: c.kind === 'days' ? { from: c.from!, to: c.to! } : null,
          amount: c.amount === null ? null : formatFen(parseFen(c.amount)),
          decisionId: null,
          creditCode: c.creditCode,
        })
    }
  }

  /** Appends in place (the map owns its arrays; historyOf hands out copies): linear in the chunk. */
  private addGrant(id: string, grant: LedgerGrant): void {
    const list = this.grants.get(id)
    if (list) list.push(grant)
    else this.grants.set(id, [grant])
  }

  /** What historyFor would return for these subjects now (same members, same order). */
  historyOf(subjects: readonly Subject[]): History {
    const totals = subjects
      .map((s) => ({
        ledger: s.ledger,
        key: s.key,
        total: this.totals.get(subjectId(s.ledger, s.key)) ?? 0n,
      }))
      .filter((t) => t.total !== 0n)
      .map((t) => ({ ...t, total: formatFen(t.total) }))
    const grants = subjects
      .flatMap((s) => this.grants.get(subjectId(s.ledger, s.key)) ?? [])
      .sort(
        (a, b) =>
          compareText(a.ledger, b.ledger) ||
          compareText(a.key, b.key) ||
          compareText(a.item, b.item) ||
          compareText(a.period?.from ?? null, b.period?.from ?? null),
      )
    return {
      ...(totals.length > 0 ? { totals } : {}),
      ...(grants.length > 0 ? { grants } : {}),
    }
  }

  /** A decided row's claims, as store_decision records them. */
  apply(claims: readonly LedgerClaim[], decisionId: string | null, creditCode: string): void {
    for (const c of claims) {
      const ledger = c.subject.ledger as LedgerName
      const key = subjectKey(c.subject)
      const id = subjectId(ledger, key)
      if (c.kind === 'cumulative') {
        this.totals.set(id, (this.totals.get(id) ?? 0n) + parseFen(c.amount))
        continue
      }
      const grant: LedgerGrant = {
        ledger,
        key,
        kind: c.kind,
        item: c.kind === 'once' ? c.item : null,
        period: c.kind === 'days' ? c.period : null,
        amount: c.kind === 'once' && c.amount !== null ? formatFen(parseFen(c.amount)) : null,
        decisionId,
        creditCode,
      }
      this.addGrant(id, grant)
    }
  }
}

/**
 * The budget pools (POLICY.md §3) as the chunk's rows see them: locked once for the chunk, then each
 * decided row's draw (a cumulative claim on the budget) and unfunded outcomes (one more in the queue)
 * applied, so a row is decided on the budget state it would have seen had the rows before it been
 * posted alone.
 */
class ChunkBudgets {
  private readonly states: Map<string, BudgetState>

  constructor(states: readonly BudgetState[]) {
    this.states = new Map(states.map((b) => [b.key, { ...b }]))
  }

  /** The batch's earlier chunks' draws and queued outcomes (dry run): as apply would have applied them. */
  carry(claims: readonly DryClaim[]): void {
    for (const c of claims) {
      const b = c.ledger === 'budget' ? this.states.get(c.key) : undefined
      if (!b) continue
      if (c.kind === 'cumulative') b.drawn = formatFen(parseFen(b.drawn) + parseFen(c.amount!))
      else if (c.kind === 'queued') b.queued += c.queued!
    }
  }

  get current(): BudgetState[] {
    return [...this.states.values()]
  }

  apply(claims: readonly LedgerClaim[], unfunded: readonly { key: string }[]): void {
    for (const c of claims) {
      if (c.kind !== 'cumulative' || c.subject.ledger !== 'budget') continue
      const b = this.states.get(subjectKey(c.subject))
      if (b) b.drawn = formatFen(parseFen(b.drawn) + parseFen(c.amount))
    }
    for (const u of unfunded) {
      const b = this.states.get(u.key)
      if (b) b.queued += 1
    }
  }
}

/**
 * A dry-run chunk's would-be claims, as the batch keeps them for its next chunks: running totals
 * (budget draws included) summed per subject, one-time grants and rewarded days one by one in row
 * order, unfunded outcomes counted per budget.
 */
class DryChunkClaims {
  private readonly totals = new Map<string, { ledger: string; key: string; fen: bigint }>()
  private readonly queued = new Map<string, number>()
  private readonly grants: DryClaim[] = []

  add(claims: readonly LedgerClaim[], unfunded: readonly { key: string }[], creditCode: string): void {
    for (const c of claims) {
      const ledger = c.subject.ledger
      const key = subjectKey(c.subject)
      if (c.kind === 'cumulative') {
        const id = subjectId(ledger, key)
        const t = this.totals.get(id)
        if (t) t.fen += parseFen(c.amount)
        else this.totals.set(id, { ledger, key, fen: parseFen(c.amount) })
        continue
      }
      this.grants.push({
        ledger,
        key,
        kind: c.kind,
        amount: c.kind === 'once' && c.amount !== null ? formatFen(parseFen(c.amount)) : null,
        item: c.kind === 'once' ? c.item : null,
        from: c.kind === 'days' ? c.period.from : null,
        to: c.kind === 'days' ? c.period.to : null,
        creditCode,
        queued: null,
      })
    }
    for (const u of unfunded) this.queued.set(u.key, (this.queued.get(u.key) ?? 0) + 1)
  }

  get all(): DryClaim[] {
    const none = { item: null, from: null, to: null, creditCode: null }
    return [
      ...this.grants,
      ...[...this.totals.values()].map(
        (t): DryClaim => ({
          ledger: t.ledger,
          key: t.key,
          kind: 'cumulative',
          amount: formatFen(t.fen),
          ...none,
          queued: null,
        }),
      ),
      ...[...this.queued].map(
        ([key, n]): DryClaim => ({ ledger: 'budget', key, kind: 'queued', amount: null, ...none, queued: n }),
      ),
    ]
  }
}

/**
 * One application per budget scope the chunk's rows fall in (budgetScopeKey: rows of one scope have
 * the same candidates), so a chunk of 500 rows of one year and prefecture looks up 16 candidates
 * once, not 8 000.
 */
const budgetScopes = (rows: readonly ChunkRow[]): Application[] => {
  const scopes = new Map<string, Application>()
  for (const r of rows) {
    const scope = budgetScopeKey(r.facts)
    if (!scopes.has(scope)) scopes.set(scope, r.facts)
  }
  return [...scopes.values()]
}

/** A dry run's chunk of a batch (src/batches/run.ts). */
export interface DryRunChunk {
  batchId: string
  /** the chunk's first row: its claims are kept under it, for the chunks after (none after the last) */
  fromRow: number
  last: boolean
  /**
   * The claims of the batch's rows before `fromRow` on these subjects, in row order (what
   * readDryClaims read for them: src/batches/dry-claims-memory.ts).
   */
  earlier: (subjects: readonly { ledger: string; key: string }[]) => readonly DryClaim[]
  /** Called with this chunk's claims, in row order, before its transaction commits. */
  decided: (claims: readonly DryClaim[]) => void
}

/**
 * Decides `rows` (in row order) in the caller's transaction. `store`: lock, decide and store every
 * row as an application with its decision, ledger grants and audit entries; otherwise read and
 * decide only. A row the engine refuses (EngineError) is an error row; the others go on.
 * `dryRun` (a dry run's chunk of a batch): see DryRunChunk.
 * `storeRows`: the stored rows' writes are sent in groups of this many, each as soon as it is
 * prepared, so PostgreSQL stores one group while the next is decided (src/db/pipeline.ts); the
 * groups are stored in row order, in this transaction.
 */
export const decideChunk = async (
  trx: Executor,
  caller: Caller,
  rows: readonly ChunkRow[],
  store: boolean,
  dryRun?: DryRunChunk,
  storeRows: number = DEFAULT_STORE_ROWS,
): Promise<ChunkRowResult[]> => {
  const rowSubjects = rows.map((r) => subjectsOf(r.facts))
  const all = uniqueSubjects(rowSubjects)
  // Budgets first, as every decision locks them ('budget' sorts before every other ledger). A dry
  // run locks them too (briefly, for its chunk) so it reads the pools as a submit would.
  const budgetStates = await lockBudgets(trx, budgetScopes(rows).flatMap(budgetCandidates), {
    storedApplicationId: null,
    supersededId: null,
  })
  const budgets = new ChunkBudgets(budgetStates)
  const locked = store ? await lockSubjects(trx, all) : await readSubjects(trx, all)
  const ledger = new ChunkLedger(await historyFor(trx, all, locked))
  const carry = store || !dryRun ? null : new DryChunkClaims()
  // The first chunk has no chunk before it.
  if (carry && dryRun && dryRun.fromRow > 1) {
    const earlier = dryRun.earlier([...all, ...budgetStates.map((b) => ({ ledger: 'budget', key: b.key }))])
    ledger.carry(earlier)
    budgets.carry(earlier)
  }
  const results: ChunkRowResult[] = []
  const kept = new ChunkKept()
  const pipeline = new Pipeline()
  let writes: DecisionWrite[] = []
  // Unfunded outcomes wait in their budget's queue, in row order (stored after their decisions).
  let queued: QueuedOutcome[] = []
  const sendWrites = async () => {
    await pipeline.send(storeDecisionWrites(trx, writes, queued))
    writes = []
    queued = []
  }
  try {
    for (const [i, r] of rows.entries()) {
      const subjects = rowSubjects[i]!
      const history = withBudgets(ledger.historyOf(subjects), r.facts, budgets.current)
      let evaluation: CompactEvaluation
      try {
        evaluation = decideCompact(r.facts, { history })
      } catch (error) {
        if (!(error instanceof EngineError)) throw error
        results.push({
          row: r.row,
          status: 'error',
          errors: [
            { pointer: error.pointer, message: error.text.en, messageZh: error.text.zh, code: error.code },
          ],
        })
        continue
      }
      const unfunded = unfundedRows(evaluation, r.facts, history)
      if (!store) {
        const claims = evaluation.outcomes.flatMap((o) => o.ledger.map((c) => unpackClaim(o.measure, c)))
        ledger.apply(claims, null, r.facts.enterprise.creditCode)
        budgets.apply(claims, unfunded)
        carry?.add(claims, unfunded, r.facts.enterprise.creditCode)
        results.push({
          row: r.row,
          status: 'decided',
          evaluation: kept.evaluation(evaluation),
          applicationId: null,
          decisionId: null,
        })
        continue
      }
      const application: StoredApplication = newApplication(caller, r.facts, inputHash(r.facts))
      const prepared = prepareDecision(caller, r.facts, application, true, null, {
        subjects,
        budgets: budgets.current,
        history,
        evaluation,
        released: [],
      })
      const decisionId = prepared.decided.decision.id
      ledger.apply(prepared.claims, decisionId, r.facts.enterprise.creditCode)
      budgets.apply(prepared.claims, unfunded)
      for (const u of unfunded) queued.push({ decisionId, ...u })
      writes.push(prepared.write)
      results.push({
        row: r.row,
        status: 'decided',
        evaluation: kept.evaluation(evaluation),
        applicationId: application.id,
        decisionId,
      })
      if (writes.length >= storeRows) {
        await sendWrites()
        // PostgreSQL refused a group: the transaction is lost, deciding more rows is wasted
        if (pipeline.failed) break
      }
    }
    if (writes.length > 0) await sendWrites()
  } catch (error) {
    await pipeline.settled()
    throw error
  }
  await pipeline.drain()
  if (carry && dryRun) {
    const claims = carry.all
    if (!dryRun.last) await insertDryClaims(trx, dryRun.batchId, dryRun.fromRow, claims)
    dryRun.decided(claims)
  }
  return results
}
