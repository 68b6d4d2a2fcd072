// A chunk's subjects (src/decisions/decide-chunk.ts) are its rows' subjects, each computed once and
// merged (uniqueSubjects): the same list, in the same (ledger, key) order, as subjectsOf of all the
// rows at once — the order every locker takes them in.

import t from 'tap'
import { subjectsOf, uniqueSubjects } from '../../src/db/ledger-repository.ts'
import {
  deepProcessing,
  ENTERPRISE_B,
  example,
  examplePlatformClaim,
  platformClaim,
  startupTaxReward,
} from '../helpers/fixtures.ts'

t.test('the rows’ subjects merged are subjectsOf of all the rows', (t) => {
  const rows = [
    deepProcessing('p-2', '60000000.00'),
    deepProcessing('p-1', '60000000.00'),
    deepProcessing('p-2', '1000000.00'),
    platformClaim(ENTERPRISE_B),
    examplePlatformClaim('platform-1', ENTERPRISE_B),
    startupTaxReward,
    example('emerging-top3-tax-reward'),
    startupTaxReward,
  ]
  const merged = uniqueSubjects(rows.map((r) => subjectsOf(r)))
  t.same(merged, subjectsOf(...rows), 'same subjects, same order')
  const ids = merged.map((s) => `${s.ledger}\u0000${s.key}`)
  t.equal(new Set(ids).size, ids.length, 'each subject once')
  t.ok(merged.length > subjectsOf(rows[0]).length, 'more than one row’s subjects')
  t.same(uniqueSubjects([]), [], 'no rows, no subjects')
  t.end()
})
