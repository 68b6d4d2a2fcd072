// Appending to the audit log, in the caller's transaction. The chain is extended by one SQL
// statement (audit_append, see the initial migration) so the head row's lock is held for no client
// round trip; call it last in the transaction, just before commit.

import { sql } from 'kysely'
import { canonicalize } from '../audit/canonical-json.ts'
import type { AuditEntry, AuditEntryInput, ChainHead } from '../audit/chain.ts'
import { BUDGET_CHANGE_COLUMNS, budgetChangeEntity, budgetChangeOfRow } from './budget-repository.ts'
import {
  APPLICATION_ENTITY_COLUMNS,
  applicationEntity,
  DECISION_ENTITY_COLUMNS,
  decisionEntity,
  entityHash,
  LEDGER_ENTRY_ENTITY_COLUMNS,
  ledgerEntryEntity,
} from './entities.ts'
import type { Executor } from './executor.ts'
import { API_KEY_COLUMNS, keyEntity, toApiKeyRecord } from './keys-repository.ts'

/**
 * Splits an entry's canonical JSON (src/audit/chain.ts) around the two fields only the database
 * knows. Keys sort as action, actor, entity, entity_hash, [prev_hash, seq], time, so the
 * database's part sits between a prefix and a suffix the caller can compute.
 */
export const splitCanonicalEntry = (input: AuditEntryInput): { prefix: string; suffix: string } => {
  const before = canonicalize({
    action: input.action,
    actor: { keyId: input.actor.keyId, role: input.actor.role },
    entity: { type: input.entity.type, id: input.entity.id },
    entity_hash: input.entity_hash,
  })
  return { prefix: `${before.slice(0, -1)},`, suffix: `,"time":${canonicalize(input.time)}}` }
}

/** Entries as audit_append takes them: canonical JSON split around prev_hash and seq, and columns. */
export const auditRows = (inputs: readonly AuditEntryInput[]) =>
  inputs.map((input) => ({
    ...splitCanonicalEntry(input),
    at: input.time,
    actor_key_id: input.actor.keyId,
    actor_role: input.actor.role,
    action: input.action,
    entity_type: input.entity.type,
    entity_id: input.entity.id,
    entity_hash: input.entity_hash,
  }))

/** Appends entries in order; returns the sequence number of the last one. */
export const appendAudit = async (db: Executor, inputs: readonly AuditEntryInput[]): Promise<number> => {
  if (inputs.length === 0) return 0
  const entries = auditRows(inputs)
  const result = await sql<{
    seq: string
  }>`select audit_append(${JSON.stringify(entries)}::jsonb) as seq`.execute(db)
  return Number(result.rows[0]!.seq)
}

// ---------------------------------------------------------------------------------------------
// Reading the log: for auditors (listing) and for the verifier (ranges, the head, entity hashes).

/** The action of a correcting decision's entry (src/decisions/decide.ts). */
export const SUPERSEDED_ACTION = 'decision.superseded'

/** The most entries one page of the listing may hold. */
export const MAX_PAGE_SIZE = 500
/** Entries per query when the verifier walks the log: bounded memory for any log length. */
export const VERIFY_BATCH_SIZE = 5_000

type AuditRow = {
  seq: string
  at: string
  actor_key_id: string
  actor_role: string
  action: string
  entity_type: string
  entity_id: string
  entity_hash: string
  prev_hash: string
  entry_hash: string
}

/** A stored row as the entry chain.ts hashes (seq arrives as a string: int8). */
const toEntry = (row: AuditRow): AuditEntry => ({
  seq: Number(row.seq),
  time: row.at,
  actor: { keyId: row.actor_key_id, role: row.actor_role },
  action: row.action,
  entity: { type: row.entity_type, id: row.entity_id },
  entity_hash: row.entity_hash,
  prev_hash: row.prev_hash,
  entry_hash: row.entry_hash,
})

/** A hash column (32 bytes, migration 2026-12-04T1850) as the lowercase hex the entries hash and
 *  the API shows; encoded in SQL so PostgreSQL and PGlite return the same text. */
const hex = (column: 'entity_hash' | 'prev_hash' | 'entry_hash' | 'hash') =>
  sql<string>`encode(${sql.ref(column)}, 'hex')`.as(column)

/** The entry's time (timestamptz since migration 2026-12-04T1850) as the Date#toISOString text it
 *  was written as and is hashed as; audit_append refuses a time that would not read back so. */
const AT_TEXT = sql<string>`to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as('at')

const ENTRY_COLUMNS = [
  'seq',
  AT_TEXT,
  'actor_key_id',
  'actor_role',
  'action',
  'entity_type',
  'entity_id',
  hex('entity_hash'),
  hex('prev_hash'),
  hex('entry_hash'),
] as const

export interface AuditFilters {
  fromSeq?: number
  toSeq?: number
  entity?: { type: string; id?: string }
  actorKeyId?: string
  action?: string
  /** ISO 8601 instants (Date#toISOString), inclusive; compared as instants with the stored `at`. */
  from?: string
  to?: string
}

export interface AuditPage {
  /** Entries after this seq (the previous page's next cursor); 0 for the first page. */
  afterSeq: number
  /** 1..MAX_PAGE_SIZE */
  limit: number
}

/** One page of entries in seq order (keyset pagination on seq); nextAfterSeq is null on the last. */
export const listEntries = async (
  db: Executor,
  filters: AuditFilters,
  page: AuditPage,
): Promise<{ entries: AuditEntry[]; nextAfterSeq: number | null }> => {
  const limit = Math.min(Math.max(1, Math.trunc(page.limit)), MAX_PAGE_SIZE)
  const after = Math.max(page.afterSeq, (filters.fromSeq ?? 1) - 1)
  let query = db
    .selectFrom('audit_log')
    .select(ENTRY_COLUMNS)
    .where('seq', '>', String(after))
    .orderBy('seq')
    .limit(limit + 1)
  if (filters.toSeq !== undefined) query = query.where('seq', '<=', String(filters.toSeq))
  if (filters.entity !== undefined) {
    query = query.where('entity_type', '=', filters.entity.type)
    const id = filters.entity.id
    if (id !== undefined && filters.entity.type === 'decision' && UUID.test(id)) {
      // A decision's trail includes its correction: the `decision.superseded` entry is filed under
      // the NEW decision (its entity hash commits to that decision, whose `supersedes` names the old
      // one), so it is found through decisions.supersedes (unique, indexed; decisions are
      // append-only and hashed, so this link is as verifiable as the entry). No entry is added or
      // changed: the chain and every entry written before stay as they were.
      query = query.where((eb) =>
        eb.or([
          eb('entity_id', '=', id),
          eb.and([
            eb('action', '=', SUPERSEDED_ACTION),
            eb(
              'entity_id',
              '=',
              eb.selectFrom('decisions').select(sql<string>`id::text`.as('id')).where('supersedes', '=', id),
            ),
          ]),
        ]),
      )
    } else if (id !== undefined) query = query.where('entity_id', '=', id)
  }
  if (filters.actorKeyId !== undefined) query = query.where('actor_key_id', '=', filters.actorKeyId)
  if (filters.action !== undefined) query = query.where('action', '=', filters.action)
  if (filters.from !== undefined) query = query.where('at', '>=', filters.from)
  if (filters.to !== undefined) query = query.where('at', '<=', filters.to)
  const rows = await query.execute()
  const entries = rows.slice(0, limit).map(toEntry)
  return { entries, nextAfterSeq: rows.length > limit ? entries.at(-1)!.seq : null }
}

/** The entry at `seq`, or null. */
export const findEntry = async (db: Executor, seq: number): Promise<AuditEntry | null> => {
  const row = await db
    .selectFrom('audit_log')
    .select(ENTRY_COLUMNS)
    .where('seq', '=', String(seq))
    .executeTakeFirst()
  return row ? toEntry(row) : null
}

/**
 * The stored entries with fromSeq ≤ seq ≤ toSeq in seq order, in batches (keyset on seq), so a log
 * of any length is walked in bounded memory. Gaps are not filled in: the verifier sees them.
 */
export async function* readRange(
  db: Executor,
  fromSeq: number,
  toSeq: number,
  batchSize = VERIFY_BATCH_SIZE,
): AsyncGenerator<AuditEntry[]> {
  let after = fromSeq - 1
  while (after < toSeq) {
    const rows = await db
      .selectFrom('audit_log')
      .select(ENTRY_COLUMNS)
      .where('seq', '>', String(after))
      .where('seq', '<=', String(toSeq))
      .orderBy('seq')
      .limit(batchSize)
      .execute()
    if (rows.length === 0) return
    const entries = rows.map(toEntry)
    yield entries
    if (rows.length < batchSize) return
    after = entries.at(-1)!.seq
  }
}

/** Only seq and entry_hash of the entries up to toSeq, in batches: the leaves of the Merkle tree. */
export async function* readEntryHashes(
  db: Executor,
  toSeq: number,
  batchSize = VERIFY_BATCH_SIZE,
): AsyncGenerator<{ seq: number; entryHash: string }[]> {
  let after = 0
  while (after < toSeq) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['seq', hex('entry_hash')])
      .where('seq', '>', String(after))
      .where('seq', '<=', String(toSeq))
      .orderBy('seq')
      .limit(batchSize)
      .execute()
    if (rows.length === 0) return
    yield rows.map((r) => ({ seq: Number(r.seq), entryHash: r.entry_hash }))
    if (rows.length < batchSize) return
    after = Number(rows.at(-1)!.seq)
  }
}

/**
 * When the reading transaction began (PostgreSQL's now(): the start of its snapshot), as ISO 8601
 * UTC with milliseconds: the instant a checkpoint read in that snapshot describes. Formatted in SQL
 * so both drivers return the same text.
 */
export const snapshotTime = async (db: Executor): Promise<string> => {
  const result = await sql<{
    at: string
  }>`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`.execute(db)
  return result.rows[0]!.at
}

/** The head row audit_append maintains: the last seq and its entry_hash (0 and GENESIS when empty). */
export const head = async (db: Executor): Promise<ChainHead> => {
  const row = await db
    .selectFrom('audit_head')
    .select(['seq', hex('hash')])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  return { seq: Number(row.seq), entry_hash: row.hash }
}

// Recomputing entity hashes: the state an entry's entity_hash committed to, rebuilt from the row
// stored now with the writers' own builders (entities.ts, keyEntity).

/** Entity types whose stored row the verifier can rebuild; entries about anything else are not compared. */
export const VERIFIABLE_ENTITY_TYPES = [
  'application',
  'decision',
  'ledger-entry',
  'api-key',
  'budget-change',
] as const
type VerifiableEntityType = (typeof VERIFIABLE_ENTITY_TYPES)[number]
const isVerifiable = (type: string): type is VerifiableEntityType =>
  (VERIFIABLE_ENTITY_TYPES as readonly string[]).includes(type)

/** What an entity hash is compared with when no row is stored for the entity any more. */
export const MISSING_ENTITY = 'missing'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const BIGINT = /^[1-9][0-9]{0,17}$/

/** The current entity hash of each entity, by id; an id with no stored row is absent. */
const currentHashes = async (
  db: Executor,
  type: VerifiableEntityType,
  ids: string[],
): Promise<Map<string, string>> => {
  const hashes = new Map<string, string>()
  // An id that cannot be a key of the table has no row (and must not reach a uuid/bigint cast).
  const keys = ids.filter((id) =>
    (type === 'ledger-entry' || type === 'budget-change' ? BIGINT : UUID).test(id),
  )
  if (keys.length === 0) return hashes
  switch (type) {
    case 'application': {
      const rows = await db
        .selectFrom('applications')
        .select(APPLICATION_ENTITY_COLUMNS)
        .where('id', 'in', keys)
        .execute()
      for (const row of rows) hashes.set(row.id, entityHash(applicationEntity(row)))
      break
    }
    case 'decision': {
      const rows = await db
        .selectFrom('decisions')
        .select(DECISION_ENTITY_COLUMNS)
        .where('id', 'in', keys)
        .execute()
      for (const row of rows) hashes.set(row.id, entityHash(decisionEntity(row)))
      break
    }
    case 'ledger-entry': {
      const rows = await db
        .selectFrom('ledger_entries')
        .select(LEDGER_ENTRY_ENTITY_COLUMNS)
        .where('id', 'in', keys)
        .execute()
      for (const row of rows) hashes.set(String(row.id), entityHash(ledgerEntryEntity(row)))
      break
    }
    case 'api-key': {
      const rows = await db.selectFrom('api_keys').select(API_KEY_COLUMNS).where('id', 'in', keys).execute()
      for (const row of rows) hashes.set(row.id, entityHash(keyEntity(toApiKeyRecord(row))))
      break
    }
    case 'budget-change': {
      const rows = await db
        .selectFrom('budget_changes')
        .select(BUDGET_CHANGE_COLUMNS)
        .where('id', 'in', keys)
        .execute()
      for (const row of rows)
        hashes.set(String(row.id), entityHash(budgetChangeEntity(budgetChangeOfRow(row))))
      break
    }
  }
  return hashes
}

/**
 * For the entries given, the entity hash recomputed from what is stored now, by entry seq, ready
 * for verifyChain's `entityHashes`; MISSING_ENTITY when the row is gone.
 *
 * Only an entity's LATEST entry in the whole log is compared. A row holds the entity's state now,
 * which is the state after its last audited change: an API key that was created and later revoked
 * hashes differently from what its "created" entry recorded, and that is not tampering. Earlier
 * entries of the same entity are covered by the chain alone. Applications, decisions and ledger
 * entries never change (append-only triggers), so for them the latest entry is usually the only one.
 */
export const currentEntityHashes = async (
  db: Executor,
  entries: readonly AuditEntry[],
): Promise<Map<number, string>> => {
  const result = new Map<number, string>()
  const byType = new Map<VerifiableEntityType, Set<string>>()
  for (const e of entries) {
    if (!isVerifiable(e.entity.type)) continue
    const ids = byType.get(e.entity.type) ?? new Set<string>()
    ids.add(e.entity.id)
    byType.set(e.entity.type, ids)
  }
  for (const [type, idSet] of byType) {
    const ids = [...idSet]
    const latestRows = await db
      .selectFrom('audit_log')
      .select(['entity_id', (eb) => eb.fn.max('seq').as('latest')])
      .where('entity_type', '=', type)
      .where('entity_id', 'in', ids)
      .groupBy('entity_id')
      .execute()
    const latest = new Map(latestRows.map((r) => [r.entity_id, Number(r.latest)]))
    const hashes = await currentHashes(db, type, ids)
    for (const e of entries) {
      if (e.entity.type !== type || latest.get(e.entity.id) !== e.seq) continue
      result.set(e.seq, hashes.get(e.entity.id) ?? MISSING_ENTITY)
    }
  }
  return result
}
