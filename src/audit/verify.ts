// Verifying the audit log as stored: the routine behind GET /v1/audit/verify and the offline
// `npm run audit:verify`, so the service and an auditor's own run answer with the same words.
//
// It walks the entries in seq order in batches (bounded memory for any log length) and checks:
//   1. the hash chain (chain.ts verifyChain): no gap, no reordering, each prev_hash and entry_hash;
//   2. entity hashes: the latest entry of each application, decision, ledger entry and API key
//      against the row stored now (audit-repository.ts currentEntityHashes);
//   3. the head row audit_append maintains: the log must reach it and end with its hash;
//   4. given a checkpoint { size, root, head_hash } kept outside the system: entry `size` is its
//      head and the RFC 6962 Merkle root of entries 1..size is its root, i.e. the log only grew
//      since. It then also returns the checkpoint of the log now and the RFC 6962 consistency proof
//      from the old one to it, which merkle.ts verifyCheckpointConsistency checks without us.
// The first problem in seq order is reported, with the exact seq (first_bad_seq).
//
// Run it inside one REPEATABLE READ transaction (the route and the CLI do), so that the head, the
// entries and the entity rows are one snapshot while writers keep appending.

import {
  currentEntityHashes,
  findEntry,
  head,
  readEntryHashes,
  readRange,
  snapshotTime,
  VERIFY_BATCH_SIZE,
} from '../db/audit-repository.ts'
import type { Executor } from '../db/executor.ts'
import { type ChainProblem, GENESIS_HASH, verifyChain } from './chain.ts'
import { type DerivedStateReport, verifyDerivedState } from './derived.ts'
import { type Checkpoint, EMPTY_TREE_ROOT, leafHash, nodeHash } from './merkle.ts'

const HASH = /^[0-9a-f]{64}$/

/**
 * The RFC 6962 Merkle tree hash of leaves pushed one at a time, in O(log n) memory: it keeps the
 * roots of the perfect subtrees the leaves so far split into (the binary digits of n), largest
 * first. MTH(D[n]) splits at the largest power of two below n, so the root is those subtree roots
 * folded from the right. Equal to merkle.ts merkleRoot over the same leaves.
 */
export class MerkleAccumulator {
  private readonly stack: { size: number; hash: Buffer }[] = []
  private count = 0

  /** Adds a leaf: an entry hash as hex text (its 32 bytes are the leaf, as in merkle.ts). */
  push(entryHash: string): void {
    let node = { size: 1, hash: leafHash(entryHash) }
    while (this.stack.length > 0 && this.stack.at(-1)!.size === node.size) {
      const left = this.stack.pop()!
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) }
    }
    this.stack.push(node)
    this.count++
  }

  get size(): number {
    return this.count
  }

  root(): string {
    if (this.stack.length === 0) return EMPTY_TREE_ROOT
    let root = this.stack.at(-1)!.hash
    for (let i = this.stack.length - 2; i >= 0; i--) root = nodeHash(this.stack[i]!.hash, root)
    return root.toString('hex')
  }
}

/** The largest power of two smaller than n (n ≥ 2). */
const split = (n: number): number => {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The leaf ranges [start, end) whose subtree hashes make up PROOF(m, D[n]) of RFC 6962 §2.1.2, in
 * proof order (the same recursion as merkle.ts consistencyProof). They are disjoint, so the proof
 * can be computed while the leaves stream past.
 */
export const consistencyProofRanges = (m: number, n: number): [number, number][] => {
  if (m === 0 || m >= n) return []
  const ranges: [number, number][] = []
  const subproof = (m: number, start: number, end: number, complete: boolean): void => {
    const size = end - start
    if (m === size) {
      if (!complete) ranges.push([start, end])
      return
    }
    const k = split(size)
    if (m <= k) {
      subproof(m, start, start + k, complete)
      ranges.push([start + k, end])
    } else {
      subproof(m - k, start + k, end, false)
      ranges.push([start, start + k])
    }
  }
  subproof(m, 0, n, true)
  return ranges
}

/** A checkpoint as given by a caller or a file: checked field by field, the field named on error. */
export const parseCheckpoint = (value: unknown): Checkpoint => {
  if (typeof value !== 'object' || value === null) throw new TypeError('checkpoint: must be an object')
  const { size, root, head_hash } = value as Record<string, unknown>
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new TypeError('checkpoint.size: must be a non-negative integer')
  }
  if (typeof root !== 'string' || !HASH.test(root)) {
    throw new TypeError('checkpoint.root: must be 64 lowercase hex digits')
  }
  if (typeof head_hash !== 'string' || !HASH.test(head_hash)) {
    throw new TypeError('checkpoint.head_hash: must be 64 lowercase hex digits')
  }
  return { size, root, head_hash }
}

export type AuditProblem =
  | ChainProblem
  /** The entry at the head row's seq is not the head row's hash (or the head row was altered). */
  | 'head-mismatch'
  /** The chain holds, but a table derived from its rows does not follow from them (src/audit/derived.ts). */
  | 'derived-state-mismatch'

export interface CheckpointReport {
  /** True only when entries 1..size were verified and match the checkpoint: the log only grew. */
  consistent: boolean
  size: number
  root: string
  head_hash: string
  /** When consistent and the whole run is valid: the checkpoint of the log now (up to to_seq). */
  current: Checkpoint | null
  /** RFC 6962 consistency proof from the given checkpoint to `current` (hex hashes). */
  consistency_proof: string[] | null
}

export interface AuditVerification {
  valid: boolean
  /** Entries verified before the first bad one (all of them when valid). */
  checked: number
  /** The range verified: the request's, clamped to the head, widened to 1..size by a checkpoint. */
  from_seq: number
  to_seq: number
  first_bad_seq: number | null
  expected: string | null
  actual: string | null
  problem: AuditProblem | null
  checkpoint?: CheckpointReport
  /** The derived tables against the audited rows: checked when the range reaches the head. */
  derived?: DerivedStateReport
}

export interface VerifyAuditOptions {
  /** First seq to verify (default 1). */
  fromSeq?: number
  /** Last seq to verify (default, and at most, the head's seq). */
  toSeq?: number
  /** A checkpoint kept outside the system: verification then starts at seq 1 and reaches its size. */
  checkpoint?: Checkpoint
  batchSize?: number
}

export async function verifyAudit(
  db: Executor,
  options: VerifyAuditOptions = {},
): Promise<AuditVerification> {
  const given = options.checkpoint === undefined ? undefined : parseCheckpoint(options.checkpoint)
  for (const [name, value] of [
    ['fromSeq', options.fromSeq],
    ['toSeq', options.toSeq],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < (name === 'fromSeq' ? 1 : 0))) {
      throw new RangeError(
        `verifyAudit: ${name} must be a ${name === 'fromSeq' ? 'positive' : 'non-negative'} integer`,
      )
    }
  }
  const batchSize = options.batchSize ?? VERIFY_BATCH_SIZE
  const headRow = await head(db)
  // A Merkle root covers a prefix, so a checkpoint needs entries 1..size; a checkpoint longer than
  // the head (the tail was cut and the head rolled back) must still be reached: that is the point.
  const fromSeq = given ? 1 : (options.fromSeq ?? 1)
  let toSeq = Math.min(options.toSeq ?? headRow.seq, headRow.seq)
  if (given && given.size > toSeq) toSeq = given.size

  let checked = 0
  const result = (
    bad: { seq: number; problem: AuditProblem; expected: string; actual: string } | null,
    report?: CheckpointReport,
  ): AuditVerification => ({
    valid: bad === null && (report === undefined || report.consistent),
    checked,
    from_seq: fromSeq,
    to_seq: toSeq,
    first_bad_seq: bad?.seq ?? null,
    expected: bad?.expected ?? null,
    actual: bad?.actual ?? null,
    problem: bad?.problem ?? null,
    ...(report ? { checkpoint: report } : {}),
  })
  const rejected = (): CheckpointReport | undefined =>
    given && { ...given, consistent: false, current: null, consistency_proof: null }
  const fail = (seq: number, problem: AuditProblem, expected: string, actual: string) =>
    result({ seq, problem, expected, actual }, rejected())

  // Hashes that entries at given seqs must have: the head row, and the checkpoint's head.
  const targets: { seq: number; hash: string; problem: AuditProblem }[] = []
  if (headRow.seq >= fromSeq && headRow.seq <= toSeq) {
    targets.push({ seq: headRow.seq, hash: headRow.entry_hash, problem: 'head-mismatch' })
  }
  if (given && given.size > 0)
    targets.push({ seq: given.size, hash: given.head_hash, problem: 'checkpoint-mismatch' })

  if (given && given.size === 0) {
    if (given.root !== EMPTY_TREE_ROOT) return fail(0, 'checkpoint-mismatch', given.root, EMPTY_TREE_ROOT)
    if (given.head_hash !== GENESIS_HASH) return fail(0, 'checkpoint-mismatch', given.head_hash, GENESIS_HASH)
  }
  if (fromSeq > toSeq) return result(null, given && grown(given, 0, EMPTY_TREE_ROOT, GENESIS_HASH, []))

  let prevHash = GENESIS_HASH
  if (fromSeq > 1) {
    const before = await findEntry(db, fromSeq - 1)
    if (!before) return fail(fromSeq - 1, 'gap', String(fromSeq - 1), 'missing')
    prevHash = before.entry_hash
  }

  const tree = given ? new MerkleAccumulator() : null
  const proof = given
    ? consistencyProofRanges(given.size, toSeq).map(([start, end]) => ({
        start,
        end,
        tree: new MerkleAccumulator(),
      }))
    : []
  let expectedSeq = fromSeq
  for await (const batch of readRange(db, fromSeq, toSeq, batchSize)) {
    const entityHashes = await currentEntityHashes(db, batch)
    const chain = verifyChain(batch, { expectedFirstSeq: expectedSeq, prevHash, entityHashes })
    // Entries the chain vouches for; a target or checkpoint problem among them comes first.
    const good = chain.valid ? batch.length : chain.checked
    for (const entry of batch.slice(0, good)) {
      for (const target of targets) {
        if (target.seq === entry.seq && target.hash !== entry.entry_hash) {
          return fail(entry.seq, target.problem, target.hash, entry.entry_hash)
        }
      }
      if (tree) {
        tree.push(entry.entry_hash)
        const index = entry.seq - 1
        proof.find((p) => p.start <= index && index < p.end)?.tree.push(entry.entry_hash)
        if (entry.seq === given!.size && tree.root() !== given!.root) {
          return fail(entry.seq, 'checkpoint-mismatch', given!.root, tree.root())
        }
      }
      checked++
    }
    if (!chain.valid) return fail(chain.first_bad_seq, chain.problem, chain.expected, chain.actual)
    const last = batch.at(-1)!
    expectedSeq = last.seq + 1
    prevHash = last.entry_hash
  }
  if (expectedSeq <= toSeq) return fail(expectedSeq, 'truncated', String(toSeq), String(expectedSeq - 1))
  const proven =
    given &&
    grown(
      given,
      toSeq,
      tree!.root(),
      prevHash,
      proof.map((p) => p.tree.root()),
    )
  if (toSeq !== headRow.seq) return result(null, proven)
  // The chain holds up to the head: what is derived from it now must follow from it. A mismatch
  // there leaves the log itself as proven (the checkpoint, if given, still holds).
  const derived = await verifyDerivedState(db)
  const first = derived.mismatches[0]
  if (!first) return { ...result(null, proven), derived }
  const bad = {
    seq: 0,
    problem: 'derived-state-mismatch' as const,
    expected: first.expected,
    actual: `${first.table} ${first.row}: ${first.actual}`,
  }
  return { ...result(bad, proven), first_bad_seq: null, derived }
}

/** The report on a checkpoint the log was proven to extend, to `current` (of `size` entries). */
const grown = (
  given: Checkpoint,
  size: number,
  root: string,
  headHash: string,
  proof: string[],
): CheckpointReport => ({
  ...given,
  consistent: true,
  current: { size, root, head_hash: headHash },
  consistency_proof: proof,
})

export type CurrentCheckpoint =
  | { ok: true; checkpoint: Checkpoint & { head_seq: number; issued_at: string } }
  | { ok: false; detail: { zh: string; en: string } }

/**
 * The checkpoint of the log now: size and head_seq are the head row's seq, root the RFC 6962
 * Merkle root over the entry hashes 1..size (leaves in seq order), head_hash the last entry hash.
 * Reads only seq and entry_hash; it does not verify the chain (verifyAudit does), but refuses to
 * certify a log whose entries do not run 1..head without a gap or do not end at the head's hash.
 */
export async function currentCheckpoint(
  db: Executor,
  batchSize = VERIFY_BATCH_SIZE,
): Promise<CurrentCheckpoint> {
  const headRow = await head(db)
  const tree = new MerkleAccumulator()
  let last = GENESIS_HASH
  for await (const batch of readEntryHashes(db, headRow.seq, batchSize)) {
    for (const { seq, entryHash } of batch) {
      if (seq !== tree.size + 1)
        return {
          ok: false,
          detail: {
            zh: `缺少第 ${tree.size + 1} 条审计条目。`,
            en: `Audit entry ${tree.size + 1} is missing.`,
          },
        }
      if (!HASH.test(entryHash))
        return {
          ok: false,
          detail: {
            zh: `第 ${seq} 条审计条目的条目哈希格式错误。`,
            en: `Audit entry ${seq} has a malformed entry hash.`,
          },
        }
      tree.push(entryHash)
      last = entryHash
    }
  }
  if (tree.size !== headRow.seq) {
    return {
      ok: false,
      detail: {
        zh: `审计日志止于第 ${tree.size} 条，但其头部位于第 ${headRow.seq} 条。`,
        en: `The audit log ends at ${tree.size} but its head is at ${headRow.seq}.`,
      },
    }
  }
  if (last !== headRow.entry_hash) {
    return {
      ok: false,
      detail: {
        zh: `第 ${headRow.seq} 条审计条目的哈希与头部记录的不符。`,
        en: `Audit entry ${headRow.seq} does not have the head's hash.`,
      },
    }
  }
  return {
    ok: true,
    checkpoint: {
      size: headRow.seq,
      root: tree.root(),
      head_hash: last,
      head_seq: headRow.seq,
      issued_at: await snapshotTime(db),
    },
  }
}
