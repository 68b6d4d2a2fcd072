// The audit log is a hash chain: entry n commits to entry n-1 through prev_hash, so changing,
// removing or reordering any stored entry breaks every link after it. The definitions are written
// so that an auditor can re-implement them from this comment alone:
//
//   entity_hash = SHA-256 hex of the RFC 8785 canonical JSON of the entity's state
//   entry_hash  = SHA-256 hex of the UTF-8 text  prev_hash ‖ canonical JSON of
//                 { seq, time, actor: { keyId, role }, action, entity: { type, id }, entity_hash, prev_hash }
//   prev_hash of seq 1 = GENESIS_HASH (64 zeros); prev_hash of seq n = entry_hash of seq n-1
//
// Only the fields listed above are hashed: a database row carries more (an id, a jsonb copy) and
// those extras neither strengthen nor weaken the chain. A chain that has been rewritten from some
// point on with fresh hashes is internally consistent; only a head kept outside the system (a
// checkpoint, see merkle.ts) reveals it.

import { canonicalize, sha256Hex } from './canonical-json.ts'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditActor {
  /** The API key that acted. */
  keyId: string
  role: string
}

export interface AuditEntityRef {
  type: string
  id: string
}

/** What the writer of an entry supplies; the chain adds seq, prev_hash and entry_hash. */
export interface AuditEntryInput {
  /** ISO 8601 timestamp. */
  time: string
  actor: AuditActor
  /** e.g. "application.created". */
  action: string
  entity: AuditEntityRef
  /** hashCanonical(state of the entity after the action). */
  entity_hash: string
}

/** An entry as hashed: everything stored except entry_hash. */
export interface AuditEntryBody extends AuditEntryInput {
  /** 1, 2, 3… without gaps. */
  seq: number
  prev_hash: string
}

export interface AuditEntry extends AuditEntryBody {
  entry_hash: string
}

/** The last entry of a chain, or GENESIS_HEAD for an empty one. */
export interface ChainHead {
  seq: number
  entry_hash: string
}

export const GENESIS_HEAD: ChainHead = Object.freeze({ seq: 0, entry_hash: GENESIS_HASH })

export function entryHash(prevHash: string, entry: AuditEntryBody): string {
  const hashed = {
    seq: entry.seq,
    time: entry.time,
    actor: { keyId: entry.actor.keyId, role: entry.actor.role },
    action: entry.action,
    entity: { type: entry.entity.type, id: entry.entity.id },
    entity_hash: entry.entity_hash,
    prev_hash: entry.prev_hash,
  }
  return sha256Hex(prevHash + canonicalize(hashed))
}

/** The entry that follows `head` (GENESIS_HEAD for the first entry). */
export function nextEntry(head: ChainHead, input: AuditEntryInput): AuditEntry {
  const body: AuditEntryBody = {
    seq: head.seq + 1,
    time: input.time,
    actor: { keyId: input.actor.keyId, role: input.actor.role },
    action: input.action,
    entity: { type: input.entity.type, id: input.entity.id },
    entity_hash: input.entity_hash,
    prev_hash: head.entry_hash,
  }
  return { ...body, entry_hash: entryHash(body.prev_hash, body) }
}

export interface VerifyChainOptions {
  /** Seq of the first entry given; 1 (the default) for a whole chain. */
  expectedFirstSeq?: number
  /** entry_hash of the entry before expectedFirstSeq; required unless expectedFirstSeq is 1. */
  prevHash?: string
  /** Entity hashes recomputed from the entities as stored now, by seq of the entry to compare. */
  entityHashes?: ReadonlyMap<number, string>
  /** Seq the entries must reach at least (a count or checkpoint size kept elsewhere). */
  expectedLastSeq?: number
  /** entry_hash the entry at expectedLastSeq must have (a checkpoint's head_hash). */
  expectedHeadHash?: string
}

export type ChainProblem =
  /** An expected seq is missing (an entry was deleted). */
  | 'gap'
  /** A seq appears out of order or twice (entries were swapped or duplicated). */
  | 'reordered'
  /** prev_hash is not the entry_hash before it. */
  | 'prev-hash-mismatch'
  /** entry_hash does not match the entry's fields (a field was altered). */
  | 'entry-hash-mismatch'
  /** The entity as stored now no longer hashes to the entry's entity_hash. */
  | 'entity-hash-mismatch'
  /** The entries stop before expectedLastSeq. */
  | 'truncated'
  /** The chain is consistent but its entry at expectedLastSeq is not the checkpoint's head: it was
   *  rewritten at or before that seq. */
  | 'checkpoint-mismatch'

export type ChainVerification =
  | { valid: true; checked: number; first_bad_seq: null; expected: null; actual: null; problem: null }
  | {
      valid: false
      /** Entries verified before the first bad one. */
      checked: number
      first_bad_seq: number
      expected: string
      actual: string
      problem: ChainProblem
    }

/** Checks entries in the order given (which must be seq order) and reports the first bad seq. */
export function verifyChain(
  entries: readonly AuditEntry[],
  options: VerifyChainOptions = {},
): ChainVerification {
  const firstSeq = options.expectedFirstSeq ?? 1
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 1) {
    throw new RangeError(`verifyChain: expectedFirstSeq must be a positive integer, got ${firstSeq}`)
  }
  if (options.prevHash === undefined && firstSeq !== 1) {
    throw new TypeError('verifyChain: prevHash is required when the entries do not start at seq 1')
  }
  if (options.expectedHeadHash !== undefined && options.expectedLastSeq === undefined) {
    throw new TypeError('verifyChain: expectedHeadHash needs expectedLastSeq')
  }
  let prevHash = options.prevHash ?? GENESIS_HASH
  let checked = 0
  const fail = (seq: number, problem: ChainProblem, expected: string, actual: string): ChainVerification => ({
    valid: false,
    checked,
    first_bad_seq: seq,
    expected,
    actual,
    problem,
  })

  // A checkpoint may sit just before the first entry given (e.g. an empty chain).
  const { expectedLastSeq, expectedHeadHash } = options
  if (expectedHeadHash !== undefined && expectedLastSeq === firstSeq - 1 && prevHash !== expectedHeadHash) {
    return fail(firstSeq - 1, 'checkpoint-mismatch', expectedHeadHash, prevHash)
  }

  for (const [i, entry] of entries.entries()) {
    const seq = firstSeq + i
    if (entry.seq !== seq) {
      const later = entries.slice(i + 1).some((e) => e.seq === seq)
      const problem = entry.seq > seq && !later ? 'gap' : 'reordered'
      return fail(seq, problem, String(seq), String(entry.seq))
    }
    if (entry.prev_hash !== prevHash) return fail(seq, 'prev-hash-mismatch', prevHash, entry.prev_hash)
    const recomputed = entryHash(entry.prev_hash, entry)
    if (entry.entry_hash !== recomputed) return fail(seq, 'entry-hash-mismatch', recomputed, entry.entry_hash)
    const entityHash = options.entityHashes?.get(seq)
    if (entityHash !== undefined && entityHash !== entry.entity_hash) {
      return fail(seq, 'entity-hash-mismatch', entry.entity_hash, entityHash)
    }
    if (seq === expectedLastSeq && expectedHeadHash !== undefined && entry.entry_hash !== expectedHeadHash) {
      return fail(seq, 'checkpoint-mismatch', expectedHeadHash, entry.entry_hash)
    }
    prevHash = entry.entry_hash
    checked++
  }

  const lastSeq = firstSeq + entries.length - 1
  if (expectedLastSeq !== undefined && lastSeq < expectedLastSeq) {
    return fail(lastSeq + 1, 'truncated', String(expectedLastSeq), String(lastSeq))
  }
  return { valid: true, checked, first_bad_seq: null, expected: null, actual: null, problem: null }
}
