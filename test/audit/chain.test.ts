// The hash chain: every kind of tampering is caught at the exact seq where it happened.

import t from 'tap'
import { canonicalize, hashCanonical, sha256Hex } from '../../src/audit/canonical-json.ts'
import {
  type AuditEntry,
  type AuditEntryInput,
  entryHash,
  GENESIS_HASH,
  GENESIS_HEAD,
  nextEntry,
  verifyChain,
} from '../../src/audit/chain.ts'

const SIZE = 10

/** The state of each entity as the entry for `seq` left it. */
const entityState = (seq: number) => ({
  id: `app-${(seq % 3) + 1}`,
  status: 'submitted',
  amount: `${seq}00.00`,
})

const input = (seq: number): AuditEntryInput => ({
  time: new Date(Date.UTC(2024, 0, 1, 0, 0, seq)).toISOString(),
  actor: { keyId: `key-${seq % 2}`, role: seq % 2 ? 'officer' : 'applicant' },
  action: seq === 1 ? 'application.created' : 'application.updated',
  entity: { type: 'application', id: entityState(seq).id },
  entity_hash: hashCanonical(entityState(seq)),
})

const buildChain = (size = SIZE): AuditEntry[] => {
  const entries: AuditEntry[] = []
  let head = GENESIS_HEAD
  for (let seq = 1; seq <= size; seq++) {
    const entry = nextEntry(head, input(seq))
    entries.push(entry)
    head = entry
  }
  return entries
}

const copy = (entries: AuditEntry[]): AuditEntry[] => structuredClone(entries)
const at = (entries: AuditEntry[], seq: number): AuditEntry => entries[seq - 1]!

t.test('a chain built with nextEntry verifies', async (t) => {
  const entries = buildChain()
  t.equal(GENESIS_HASH, '0'.repeat(64))
  t.equal(at(entries, 1).prev_hash, GENESIS_HASH)
  for (let seq = 2; seq <= SIZE; seq++) t.equal(at(entries, seq).prev_hash, at(entries, seq - 1).entry_hash)
  t.same(verifyChain(entries), {
    valid: true,
    checked: SIZE,
    first_bad_seq: null,
    expected: null,
    actual: null,
    problem: null,
  })
  t.match(verifyChain([]), { valid: true, checked: 0 }, 'an empty chain is valid')
  t.match(verifyChain(entries, { expectedLastSeq: SIZE, expectedHeadHash: at(entries, SIZE).entry_hash }), {
    valid: true,
  })
})

t.test('entry_hash follows the documented definition', async (t) => {
  const first = nextEntry(GENESIS_HEAD, input(1))
  const text =
    '{"action":"application.created","actor":{"keyId":"key-1","role":"officer"},' +
    `"entity":{"id":"app-2","type":"application"},"entity_hash":"${first.entity_hash}",` +
    `"prev_hash":"${GENESIS_HASH}","seq":1,"time":"2024-01-01T00:00:01.000Z"}`
  const { entry_hash: _, ...body } = first
  t.equal(canonicalize(body), text)
  t.equal(first.entry_hash, sha256Hex(GENESIS_HASH + text))
  t.equal(entryHash(GENESIS_HASH, body), first.entry_hash)
  t.equal(entryHash(GENESIS_HASH, first), first.entry_hash, 'entry_hash itself is never hashed')
  const withExtras = { ...first, id: 42, actor: { ...first.actor, ip: '10.0.0.1' } }
  t.equal(entryHash(GENESIS_HASH, withExtras), first.entry_hash, 'fields outside the schema are not hashed')
})

t.test('an altered field in any entry is caught at that seq', async (t) => {
  const alterations: [string, (e: AuditEntry) => void][] = [
    ['time', (e) => (e.time = '2030-01-01T00:00:00.000Z')],
    ['actor.keyId', (e) => (e.actor.keyId = 'key-forged')],
    ['actor.role', (e) => (e.actor.role = 'admin')],
    ['action', (e) => (e.action = 'application.approved')],
    ['entity.type', (e) => (e.entity.type = 'payment')],
    ['entity.id', (e) => (e.entity.id = 'app-9')],
    ['entity_hash', (e) => (e.entity_hash = hashCanonical({ forged: true }))],
    ['entry_hash', (e) => (e.entry_hash = sha256Hex('forged'))],
  ]
  for (const [field, alter] of alterations) {
    for (let seq = 1; seq <= SIZE; seq++) {
      const entries = copy(buildChain())
      alter(at(entries, seq))
      const result = verifyChain(entries)
      t.match(
        result,
        { valid: false, first_bad_seq: seq, problem: 'entry-hash-mismatch', checked: seq - 1 },
        `${field} of seq ${seq}`,
      )
    }
  }
  const entries = copy(buildChain())
  at(entries, 4).prev_hash = at(entries, 2).entry_hash
  t.match(verifyChain(entries), {
    first_bad_seq: 4,
    problem: 'prev-hash-mismatch',
    expected: at(entries, 3).entry_hash,
    actual: at(entries, 2).entry_hash,
  })
})

t.test('an altered entry whose entry_hash was recomputed is caught at the next link', async (t) => {
  const entries = copy(buildChain())
  const altered = at(entries, 5)
  altered.action = 'application.approved'
  altered.entry_hash = entryHash(altered.prev_hash, altered)
  t.match(verifyChain(entries), { first_bad_seq: 6, problem: 'prev-hash-mismatch' })
})

t.test('an entry deleted in the middle is caught at its seq', async (t) => {
  for (let seq = 1; seq < SIZE; seq++) {
    const entries = buildChain().filter((e) => e.seq !== seq)
    t.match(
      verifyChain(entries),
      { valid: false, first_bad_seq: seq, problem: 'gap', expected: String(seq), actual: String(seq + 1) },
      `seq ${seq} deleted`,
    )
  }
  // Renumbering the rest to hide the gap breaks the link instead.
  const entries = copy(buildChain().filter((e) => e.seq !== 4))
  for (const e of entries) if (e.seq > 4) e.seq--
  t.match(verifyChain(entries), { first_bad_seq: 4, problem: 'prev-hash-mismatch' })
})

t.test('two entries swapped are caught at the first of them', async (t) => {
  for (let seq = 1; seq < SIZE; seq++) {
    const entries = buildChain()
    ;[entries[seq - 1], entries[seq]] = [entries[seq]!, entries[seq - 1]!]
    t.match(verifyChain(entries), { first_bad_seq: seq, problem: 'reordered' }, `rows ${seq} and ${seq + 1}`)

    // The same, with the seq numbers swapped back so that the order looks right.
    const renumbered = copy(entries)
    at(renumbered, seq).seq = seq
    at(renumbered, seq + 1).seq = seq + 1
    t.match(verifyChain(renumbered), { first_bad_seq: seq, problem: 'prev-hash-mismatch' }, 'renumbered')
  }
  const far = buildChain()
  ;[far[2], far[7]] = [far[7]!, far[2]!]
  t.match(verifyChain(far), { first_bad_seq: 3, problem: 'reordered', expected: '3', actual: '8' })
  const duplicated = buildChain()
  duplicated.splice(5, 0, at(duplicated, 5))
  t.match(verifyChain(duplicated), { first_bad_seq: 6, problem: 'reordered', actual: '5' })
})

t.test('a truncated tail is caught given the expected length', async (t) => {
  for (let kept = 0; kept < SIZE; kept++) {
    const entries = buildChain().slice(0, kept)
    t.ok(verifyChain(entries).valid, `without an expected length ${kept} entries look fine`)
    t.match(
      verifyChain(entries, { expectedLastSeq: SIZE }),
      {
        valid: false,
        first_bad_seq: kept + 1,
        problem: 'truncated',
        checked: kept,
        expected: String(SIZE),
        actual: String(kept),
      },
      `${kept} of ${SIZE} entries`,
    )
  }
  t.ok(verifyChain(buildChain(), { expectedLastSeq: 7 }).valid, 'growth past the expected length is fine')
})

t.test('an altered entity is caught at the seq whose entity_hash no longer matches', async (t) => {
  const entries = buildChain()
  const recomputed = new Map(entries.map((e) => [e.seq, hashCanonical(entityState(e.seq))]))
  t.ok(verifyChain(entries, { entityHashes: recomputed }).valid)
  for (const seq of [1, 6, SIZE]) {
    const tampered = new Map(recomputed)
    const altered = hashCanonical({ ...entityState(seq), amount: '999999.00' })
    tampered.set(seq, altered)
    t.match(
      verifyChain(entries, { entityHashes: tampered }),
      {
        valid: false,
        first_bad_seq: seq,
        problem: 'entity-hash-mismatch',
        expected: at(entries, seq).entity_hash,
        actual: altered,
      },
      `entity of seq ${seq}`,
    )
  }
  t.ok(verifyChain(entries, { entityHashes: new Map([[3, recomputed.get(3)!]]) }).valid, 'a partial map')
})

t.test('a rewritten chain is consistent, and only an outside head reveals it', async (t) => {
  const original = buildChain()
  const rewritten = original.slice(0, 3)
  let head = at(rewritten, 3)
  for (let seq = 4; seq <= SIZE; seq++) {
    const entry = nextEntry(head, { ...input(seq), action: 'application.rewritten' })
    rewritten.push(entry)
    head = entry
  }
  t.ok(verifyChain(rewritten).valid)
  const checkpoint = { expectedLastSeq: 8, expectedHeadHash: at(original, 8).entry_hash }
  t.match(verifyChain(rewritten, checkpoint), {
    valid: false,
    first_bad_seq: 8,
    problem: 'checkpoint-mismatch',
    expected: at(original, 8).entry_hash,
    actual: at(rewritten, 8).entry_hash,
    checked: 7,
  })
  t.ok(verifyChain(rewritten, { expectedLastSeq: 3, expectedHeadHash: at(original, 3).entry_hash }).valid)
  t.match(verifyChain([], { expectedLastSeq: 0, expectedHeadHash: sha256Hex('x') }), {
    problem: 'checkpoint-mismatch',
    first_bad_seq: 0,
  })
})

t.test('a segment is verified from a known previous hash', async (t) => {
  const entries = buildChain()
  const segment = entries.slice(4)
  t.ok(verifyChain(segment, { expectedFirstSeq: 5, prevHash: at(entries, 4).entry_hash }).valid)
  t.match(verifyChain(segment, { expectedFirstSeq: 5, prevHash: at(entries, 3).entry_hash }), {
    first_bad_seq: 5,
    problem: 'prev-hash-mismatch',
  })
  t.match(verifyChain(segment, { expectedFirstSeq: 4, prevHash: at(entries, 3).entry_hash }), {
    first_bad_seq: 4,
    problem: 'gap',
  })
  t.throws(() => verifyChain(segment, { expectedFirstSeq: 5 }), TypeError, 'prevHash is required')
  t.throws(() => verifyChain(segment, { expectedFirstSeq: 0 }), RangeError)
  t.throws(() => verifyChain(segment, { expectedHeadHash: GENESIS_HASH }), TypeError)
})
