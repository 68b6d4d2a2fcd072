// A Merkle tree over the entry hashes of the audit chain (RFC 6962 §2.1, as in Certificate
// Transparency). An auditor who keeps a checkpoint { size, root, head_hash } outside the system can
// later ask for a consistency proof and check, without trusting us, that the log as it is now still
// starts with exactly the entries they saw; an inclusion proof shows that one entry is in the log.
//
//   MTH({})      = SHA-256()                                 (the empty string)
//   MTH({d0})    = SHA-256(0x00 ‖ d0)
//   MTH(D[n])    = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))  k = largest power of two < n
//
// A leaf is the 32 raw bytes of an entry_hash (the hex decoded), not its hex text. Hashes come out
// as lowercase hex; inputs may be hex text or bytes. Proofs are built per RFC 6962 §2.1.1/§2.1.2
// and verified with the algorithms of RFC 9162 §2.1.3.2/§2.1.4.2. Sizes are counted with ordinary
// arithmetic rather than 32-bit shifts, so any safe integer size works.

import { createHash } from 'node:crypto'
import { GENESIS_HASH } from './chain.ts'

/** Bytes, or the same bytes as hex text. */
export type HashInput = Uint8Array | string

export const EMPTY_TREE_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

const LEAF_PREFIX = Buffer.of(0x00)
const NODE_PREFIX = Buffer.of(0x01)
const HEX = /^(?:[0-9a-fA-F]{2})*$/

export function leafHash(leaf: HashInput): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(toBytes(leaf)).digest()
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest()
}

export function merkleRoot(leaves: readonly HashInput[]): string {
  if (leaves.length === 0) return EMPTY_TREE_ROOT
  const tree = new Tree(leaves)
  return tree.root(0, leaves.length).toString('hex')
}

/** PATH(index, D[n]) of RFC 6962 §2.1.1: the sibling hashes from the leaf up to the root. */
export function inclusionProof(index: number, leaves: readonly HashInput[]): string[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`inclusionProof: index ${index} is outside a tree of ${leaves.length} leaves`)
  }
  const tree = new Tree(leaves)
  const proof: Buffer[] = []
  const path = (m: number, start: number, end: number): void => {
    const n = end - start
    if (n <= 1) return
    const k = split(n)
    if (m < k) {
      path(m, start, start + k)
      proof.push(tree.root(start + k, end))
    } else {
      path(m - k, start + k, end)
      proof.push(tree.root(start, start + k))
    }
  }
  path(index, 0, leaves.length)
  return proof.map((h) => h.toString('hex'))
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2 (SUBPROOF with b = true); empty when m is 0 or n. */
export function consistencyProof(m: number, leaves: readonly HashInput[]): string[] {
  if (!Number.isSafeInteger(m) || m < 0 || m > leaves.length) {
    throw new RangeError(`consistencyProof: size ${m} is outside 0..${leaves.length}`)
  }
  if (m === 0 || m === leaves.length) return []
  const tree = new Tree(leaves)
  const proof: Buffer[] = []
  const subproof = (m: number, start: number, end: number, complete: boolean): void => {
    const n = end - start
    if (m === n) {
      if (!complete) proof.push(tree.root(start, end))
      return
    }
    const k = split(n)
    if (m <= k) {
      subproof(m, start, start + k, complete)
      proof.push(tree.root(start + k, end))
    } else {
      subproof(m - k, start + k, end, false)
      proof.push(tree.root(start, start + k))
    }
  }
  subproof(m, 0, leaves.length, true)
  return proof.map((h) => h.toString('hex'))
}

/** RFC 9162 §2.1.3.2: is `leaf` (the entry hash, not its leaf hash) at `index` of the tree `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: HashInput,
  proof: readonly HashInput[],
  root: HashInput,
): boolean {
  if (!isSize(index) || !isSize(size) || index >= size) return false
  const path = hashes(proof)
  const expectedRoot = toHash(root)
  if (path === null || expectedRoot === null) return false
  let fn = index
  let sn = size - 1
  let r = leafHash(leaf)
  for (const p of path) {
    if (sn === 0) return false
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r)
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)]
    } else {
      r = nodeHash(r, p)
    }
    ;[fn, sn] = [half(fn), half(sn)]
  }
  return sn === 0 && r.equals(expectedRoot)
}

/** RFC 9162 §2.1.4.2: is the tree of size m with rootM a prefix of the tree of size n with rootN? */
export function verifyConsistency(
  m: number,
  n: number,
  rootM: HashInput,
  rootN: HashInput,
  proof: readonly HashInput[],
): boolean {
  if (!isSize(m) || !isSize(n) || m > n) return false
  const first = toHash(rootM)
  const second = toHash(rootN)
  const path = hashes(proof)
  if (first === null || second === null || path === null) return false
  // Outside the RFC's 0 < m < n: every tree extends the empty one, and a tree extends only itself.
  if (m === 0) return path.length === 0 && first.equals(Buffer.from(EMPTY_TREE_ROOT, 'hex'))
  if (m === n) return path.length === 0 && first.equals(second)
  if (path.length === 0) return false
  if (isPowerOfTwo(m)) path.unshift(first)
  let fn = m - 1
  let sn = n - 1
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)]
  const [start, ...rest] = path as [Buffer, ...Buffer[]]
  let fr = start
  let sr = start
  for (const c of rest) {
    if (sn === 0) return false
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)]
    } else {
      sr = nodeHash(sr, c)
    }
    ;[fn, sn] = [half(fn), half(sn)]
  }
  return fr.equals(first) && sr.equals(second) && sn === 0
}

/** What an auditor keeps outside the system: the tree over the first `size` entries and its head. */
export interface Checkpoint {
  size: number
  /** merkleRoot of the first `size` entry hashes. */
  root: string
  /** entry_hash of entry `size` (GENESIS_HASH when size is 0). */
  head_hash: string
}

export function checkpoint(leaves: readonly HashInput[]): Checkpoint {
  const last = leaves.at(-1)
  return {
    size: leaves.length,
    root: merkleRoot(leaves),
    head_hash: last === undefined ? GENESIS_HASH : toBytes(last).toString('hex'),
  }
}

/** True only if the log now (its entry hashes in seq order) still begins with the checkpointed one. */
export function verifyCheckpointGrowth(old: Checkpoint, leavesNow: readonly HashInput[]): boolean {
  if (!isSize(old.size) || old.size > leavesNow.length) return false
  const root = toHash(old.root)
  const head = toHash(old.head_hash)
  if (root === null || head === null) return false
  const prefix = leavesNow.slice(0, old.size)
  const actual = checkpoint(prefix)
  return root.equals(Buffer.from(actual.root, 'hex')) && head.equals(Buffer.from(actual.head_hash, 'hex'))
}

/** For an auditor holding only checkpoints: does `now` extend `old`, given a consistency proof? */
export function verifyCheckpointConsistency(
  old: Checkpoint,
  now: Checkpoint,
  proof: readonly HashInput[],
): boolean {
  return verifyConsistency(old.size, now.size, old.root, now.root, proof)
}

/** Leaf hashes computed once; root(start, end) is MTH(D[start:end]). */
class Tree {
  private readonly leafHashes: Buffer[]

  constructor(leaves: readonly HashInput[]) {
    this.leafHashes = leaves.map(leafHash)
  }

  root(start: number, end: number): Buffer {
    const n = end - start
    if (n === 1) return this.leafHashes[start]!
    const k = split(n)
    return nodeHash(this.root(start, start + k), this.root(start + k, end))
  }
}

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function toBytes(value: HashInput): Buffer {
  if (typeof value !== 'string') return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  if (!HEX.test(value)) throw new TypeError(`not hex text: "${value.slice(0, 80)}"`)
  return Buffer.from(value, 'hex')
}

/** A 32-byte hash, or null if the input is not one. */
function toHash(value: HashInput): Buffer | null {
  if (typeof value === 'string' && !HEX.test(value)) return null
  const bytes = toBytes(value)
  return bytes.length === 32 ? bytes : null
}

function hashes(values: readonly HashInput[]): Buffer[] | null {
  const out: Buffer[] = []
  for (const value of values) {
    const hash = toHash(value)
    if (hash === null) return null
    out.push(hash)
  }
  return out
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0
}

function isOdd(n: number): boolean {
  return n % 2 === 1
}

function half(n: number): number {
  return Math.floor(n / 2)
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && split(n + 1) === n
}
