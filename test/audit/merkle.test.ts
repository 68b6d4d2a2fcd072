// RFC 6962 Merkle trees: roots, inclusion and consistency proofs checked against a direct
// transcription of the RFC's recursive definitions, and forged checkpoints rejected.

import { createHash } from 'node:crypto'
import t from 'tap'
import { sha256Hex } from '../../src/audit/canonical-json.ts'
import { GENESIS_HASH } from '../../src/audit/chain.ts'
import {
  type Checkpoint,
  checkpoint,
  consistencyProof,
  EMPTY_TREE_ROOT,
  inclusionProof,
  merkleRoot,
  verifyCheckpointConsistency,
  verifyCheckpointGrowth,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.ts'

// --- The RFC 6962 §2.1 definitions, written out as literally as possible (slices, recursion) ---

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest()
/** The largest power of two smaller than n, by a different route from the module's. */
const splitOf = (n: number): number => 2 ** Math.floor(Math.log2(n - 1))

const MTH = (D: Buffer[]): Buffer => {
  const n = D.length
  if (n === 0) return sha256()
  if (n === 1) return sha256(Buffer.of(0), D[0]!)
  const k = splitOf(n)
  return sha256(Buffer.of(1), MTH(D.slice(0, k)), MTH(D.slice(k)))
}

const PATH = (m: number, D: Buffer[]): Buffer[] => {
  const n = D.length
  if (n === 1) return []
  const k = splitOf(n)
  return m < k
    ? [...PATH(m, D.slice(0, k)), MTH(D.slice(k))]
    : [...PATH(m - k, D.slice(k)), MTH(D.slice(0, k))]
}

const SUBPROOF = (m: number, D: Buffer[], b: boolean): Buffer[] => {
  const n = D.length
  if (m === n) return b ? [] : [MTH(D)]
  const k = splitOf(n)
  return m <= k
    ? [...SUBPROOF(m, D.slice(0, k), b), MTH(D.slice(k))]
    : [...SUBPROOF(m - k, D.slice(k), false), MTH(D.slice(0, k))]
}

const hex = (buffers: Buffer[]): string[] => buffers.map((b) => b.toString('hex'))

/** Stand-ins for entry hashes: 32-byte leaves. */
const leaves = Array.from({ length: 20 }, (_, i) => Buffer.from(sha256Hex(`entry ${i + 1}`), 'hex'))
const leafHex = leaves.map((b) => b.toString('hex'))

const flipBit = (hexText: string, bit: number): string => {
  const bytes = Buffer.from(hexText, 'hex')
  bytes[bit >> 3]! ^= 1 << (bit & 7)
  return bytes.toString('hex')
}

t.test('known answers: the Certificate Transparency test vectors', async (t) => {
  // The leaves and roots used by the CT implementations' tests (certificate-transparency-go,
  // merkle/testonly): leaf i is the bytes shown, roots are for the first 1..8 leaves.
  const ctLeaves = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ]
  const ctRoots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ]
  for (const [i, root] of ctRoots.entries()) {
    t.equal(merkleRoot(ctLeaves.slice(0, i + 1)), root, `${i + 1} leaves`)
    t.equal(
      MTH(ctLeaves.slice(0, i + 1).map((l) => Buffer.from(l, 'hex'))).toString('hex'),
      root,
      'reference',
    )
  }
})

t.test('the empty tree hashes to SHA-256 of the empty string', async (t) => {
  t.equal(EMPTY_TREE_ROOT, sha256Hex(''))
  t.equal(merkleRoot([]), EMPTY_TREE_ROOT)
})

t.test('roots for every size up to 20 match the reference; hex and bytes agree', async (t) => {
  for (let n = 1; n <= 20; n++) {
    const expected = MTH(leaves.slice(0, n)).toString('hex')
    t.equal(merkleRoot(leaves.slice(0, n)), expected, `n = ${n}`)
    t.equal(merkleRoot(leafHex.slice(0, n)), expected, `n = ${n} from hex`)
  }
  t.equal(merkleRoot([leafHex[0]!.toUpperCase()]), merkleRoot([leaves[0]!]), 'hex case does not matter')
  t.throws(() => merkleRoot(['not hex']), TypeError)
  t.throws(() => merkleRoot(['abc']), TypeError, 'odd-length hex')
})

t.test('inclusion proofs for every leaf of every size up to 20', async (t) => {
  for (let n = 1; n <= 20; n++) {
    const tree = leaves.slice(0, n)
    const root = merkleRoot(tree)
    for (let i = 0; i < n; i++) {
      const proof = inclusionProof(i, tree)
      t.same(proof, hex(PATH(i, tree)), `PATH(${i}, D[${n}])`)
      t.ok(verifyInclusion(i, n, leafHex[i]!, proof, root), `leaf ${i} of ${n} verifies`)
      t.notOk(verifyInclusion(i, n, leafHex[(i + 1) % 20]!, proof, root), 'another leaf does not')
      if (n > 1) {
        t.notOk(verifyInclusion((i + 1) % n, n, leafHex[i]!, proof, root), 'another index does not')
        t.notOk(verifyInclusion(i, n, leafHex[i]!, proof.slice(1), root), 'a shortened proof does not')
        t.notOk(verifyInclusion(i, n, leafHex[i]!, [flipBit(proof[0]!, 0), ...proof.slice(1)], root))
      }
      t.notOk(verifyInclusion(i, n, leafHex[i]!, [...proof, root], root), 'a lengthened proof does not')
      t.notOk(verifyInclusion(i, n, leafHex[i]!, proof, flipBit(root, 255)), 'a forged root does not')
    }
  }
  t.throws(() => inclusionProof(3, leaves.slice(0, 3)), RangeError)
  t.throws(() => inclusionProof(-1, leaves), RangeError)
  t.notOk(verifyInclusion(3, 3, leafHex[0]!, [], merkleRoot(leaves.slice(0, 3))), 'index ≥ size')
  t.notOk(verifyInclusion(0, 1, leafHex[0]!, ['zz'], merkleRoot(leaves.slice(0, 1))), 'malformed proof')
})

t.test(
  'consistency proofs for all 0 ≤ m ≤ n ≤ 20 match SUBPROOF and verify (RFC 9162 algorithm)',
  async (t) => {
    for (let n = 1; n <= 20; n++) {
      const tree = leaves.slice(0, n)
      const rootN = merkleRoot(tree)
      for (let m = 0; m <= n; m++) {
        const rootM = merkleRoot(tree.slice(0, m))
        const proof = consistencyProof(m, tree)
        const expected = m === 0 || m === n ? [] : hex(SUBPROOF(m, tree, true))
        t.same(proof, expected, `PROOF(${m}, D[${n}])`)
        t.ok(verifyConsistency(m, n, rootM, rootN, proof), `${m} → ${n} verifies`)
        if (m === 0 || m === n) continue
        t.notOk(verifyConsistency(m, n, flipBit(rootM, 7), rootN, proof), 'a forged old root fails')
        t.notOk(verifyConsistency(m, n, rootM, flipBit(rootN, 7), proof), 'a forged new root fails')
        for (let j = 0; j < proof.length; j++) {
          const forged = proof.map((h, k) => (k === j ? flipBit(h, 100) : h))
          t.notOk(verifyConsistency(m, n, rootM, rootN, forged), `a forged proof hash ${j} fails`)
        }
        t.notOk(verifyConsistency(m, n, rootM, rootN, proof.slice(0, -1)), 'a shortened proof fails')
        t.notOk(verifyConsistency(m, n, rootM, rootN, [...proof, rootN]), 'a lengthened proof fails')
        t.notOk(verifyConsistency(m, n, rootM, rootN, []), 'an empty proof fails')
        if (m + 1 < n) {
          t.notOk(verifyConsistency(m + 1, n, rootM, rootN, proof), 'the wrong old size fails')
        }
        // A tree that differs in its first m leaves is not an extension.
        const other = [Buffer.from(sha256Hex('forged'), 'hex'), ...tree.slice(1)]
        t.notOk(
          verifyConsistency(m, n, merkleRoot(other.slice(0, m)), rootN, proof),
          'a different prefix fails',
        )
      }
    }
    const root5 = merkleRoot(leaves.slice(0, 5))
    t.notOk(verifyConsistency(0, 5, root5, root5, []), 'size 0 needs the empty root')
    t.notOk(
      verifyConsistency(5, 5, root5, merkleRoot(leaves.slice(0, 6)), []),
      'equal sizes need equal roots',
    )
    t.notOk(verifyConsistency(6, 5, root5, root5, []), 'a tree cannot shrink')
    t.notOk(verifyConsistency(2.5, 5, root5, root5, ['00'.repeat(32)]), 'sizes are integers')
    t.throws(() => consistencyProof(21, leaves), RangeError)
    const proof = consistencyProof(3, leaves.slice(0, 5))
    const root3 = merkleRoot(leaves.slice(0, 3))
    t.ok(
      verifyConsistency(3, 5, Buffer.from(root3, 'hex'), Buffer.from(root5, 'hex'), proof),
      'roots as bytes',
    )
    t.notOk(verifyConsistency(3, 5, 'xyz', root5, proof), 'a malformed old root')
    t.notOk(verifyConsistency(3, 5, root3, root5.slice(2), proof), 'a short new root')
    t.notOk(
      verifyConsistency(3, 5, root3, root5, [...proof.slice(1), new Uint8Array(31)]),
      'a short proof hash',
    )
  },
)

t.test('checkpoints: growth is accepted, forgeries and rewrites are rejected', async (t) => {
  t.same(checkpoint([]), { size: 0, root: EMPTY_TREE_ROOT, head_hash: GENESIS_HASH })
  t.same(checkpoint(leaves.slice(0, 7)), {
    size: 7,
    root: MTH(leaves.slice(0, 7)).toString('hex'),
    head_hash: leafHex[6],
  })
  for (let size = 0; size <= 20; size++) {
    const old = checkpoint(leaves.slice(0, size))
    for (let now = size; now <= 20; now++) {
      t.ok(verifyCheckpointGrowth(old, leaves.slice(0, now)), `${size} → ${now}`)
    }
    if (size > 0) t.notOk(verifyCheckpointGrowth(old, leaves.slice(0, size - 1)), `truncated below ${size}`)
  }

  const old = checkpoint(leaves.slice(0, 11))
  const now = leaves.slice(0, 20)
  for (let bit = 0; bit < 256; bit++) {
    const forged: Checkpoint = { ...old, root: flipBit(old.root, bit) }
    if (verifyCheckpointGrowth(forged, now)) t.fail(`a root with bit ${bit} flipped was accepted`)
  }
  t.pass('no root with one bit flipped is accepted')
  for (const size of [0, 10, 12, 20, 21, -1, 11.5]) {
    t.notOk(verifyCheckpointGrowth({ ...old, size }, now), `the wrong size ${size}`)
  }
  t.notOk(verifyCheckpointGrowth({ ...old, head_hash: leafHex[9]! }, now), 'the wrong head')
  t.notOk(verifyCheckpointGrowth({ ...old, head_hash: flipBit(old.head_hash, 3) }, now), 'a forged head')
  t.notOk(verifyCheckpointGrowth({ ...old, root: 'not hex' }, now), 'a malformed root')
  t.notOk(verifyCheckpointGrowth({ ...old, root: old.root.slice(2) }, now), 'a short root')
  t.ok(verifyCheckpointGrowth({ ...old, root: old.root.toUpperCase() }, now), 'hex case does not matter')

  for (const index of [0, 5, 10]) {
    const rewritten = [...now]
    rewritten[index] = Buffer.from(sha256Hex('rewritten'), 'hex')
    t.notOk(verifyCheckpointGrowth(old, rewritten), `entry ${index + 1} rewritten`)
  }
  const rewrittenAfter = [...now]
  rewrittenAfter[11] = Buffer.from(sha256Hex('rewritten'), 'hex')
  t.ok(verifyCheckpointGrowth(old, rewrittenAfter), 'entries after the checkpoint are not covered by it')

  const latest = checkpoint(now)
  const proof = consistencyProof(old.size, now)
  t.ok(verifyCheckpointConsistency(old, latest, proof), 'an auditor with checkpoints only')
  t.notOk(verifyCheckpointConsistency({ ...old, root: flipBit(old.root, 0) }, latest, proof))
  t.notOk(verifyCheckpointConsistency({ ...old, size: 12 }, latest, proof))
})
