// A worker's memory of its dry runs' claims (src/batches/dry-claims-memory.ts): what it hands a
// chunk is what the batch's table would, and only while the batch is where the worker left it.

import t from 'tap'
import { BatchDryClaims, DryClaimsMemory } from '../../src/batches/dry-claims-memory.ts'
import type { DryClaim } from '../../src/db/dry-claims-repository.ts'

const none = { item: null, from: null, to: null, creditCode: null, queued: null }
const total = (key: string, amount: string): DryClaim => ({
  ledger: 'interest-subsidy',
  key,
  kind: 'cumulative',
  amount,
  ...none,
})
const days = (key: string, from: string, to: string): DryClaim => ({
  ledger: 'tax-days',
  key,
  kind: 'days',
  amount: null,
  ...none,
  from,
  to,
  creditCode: 'C',
})
const queued = (key: string, n: number): DryClaim => ({
  ledger: 'budget',
  key,
  kind: 'queued',
  amount: null,
  ...none,
  queued: n,
})

t.test('claims held by subject: totals and queues summed, days in row order', async (t) => {
  const held = new BatchDryClaims(3, [
    total('p', '5400000.00'),
    days('e', '2015-01-01', '2015-03-31'),
    queued('b', 1),
  ])
  held.advance(5, [
    total('p', '4600000.00'),
    total('q', '0.01'),
    days('e', '2015-04-01', '2015-06-30'),
    queued('b', 2),
  ])
  t.equal(held.nextRow, 5)
  t.same(
    held.on([
      { ledger: 'interest-subsidy', key: 'p' },
      { ledger: 'tax-days', key: 'e' },
      { ledger: 'budget', key: 'b' },
    ]),
    [
      total('p', '10000000.00'),
      days('e', '2015-01-01', '2015-03-31'),
      days('e', '2015-04-01', '2015-06-30'),
      queued('b', 3),
    ],
  )
  t.same(held.on([{ ledger: 'interest-subsidy', key: 'q' }]), [total('q', '0.01')])
  t.same(held.on([{ ledger: 'tax-days', key: 'p' }]), [], 'a subject is its ledger and key')
  t.same(held.on([]), [])
})

t.test('the claims it was given are copied, not changed', async (t) => {
  const given = [total('p', '1.00')]
  const held = new BatchDryClaims(2, given)
  held.advance(3, [total('p', '2.00')])
  t.same(given, [total('p', '1.00')])
})

t.test('a batch is answered only where the worker left it', async (t) => {
  const memory = new DryClaimsMemory(2)
  const a = new BatchDryClaims(501)
  memory.keep('a', a)
  t.equal(memory.before('a', 501), a)
  t.equal(memory.before('a', 1001), undefined, 'another worker ran a chunk since')
  t.equal(memory.before('a', 1), undefined)
  t.equal(memory.before('b', 501), undefined, 'another batch')
  memory.forget('a')
  t.equal(memory.before('a', 501), undefined, 'forgotten once done')
})

t.test('the batches held beyond its capacity: the least recently kept let go', async (t) => {
  const memory = new DryClaimsMemory(2)
  memory.keep('a', new BatchDryClaims(2))
  memory.keep('b', new BatchDryClaims(2))
  memory.keep('a', new BatchDryClaims(3))
  memory.keep('c', new BatchDryClaims(2))
  t.equal(memory.before('b', 2), undefined, 'b let go')
  t.ok(memory.before('a', 3))
  t.ok(memory.before('c', 2))
})
