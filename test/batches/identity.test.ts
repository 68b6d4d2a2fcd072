// A row's identity (src/batches/identity.ts): the facts with every number written one way, so a file
// re-saved by a spreadsheet (120000000.00 → 120000000) brings the same applications, not new ones.

import t from 'tap'
import { identityOf } from '../../src/batches/identity.ts'
import { deepProcessing } from '../helpers/fixtures.ts'

t.test('money with two decimals, other decimals without trailing zeros, no leading zeros', async (t) => {
  const facts = deepProcessing('p', '0120000000.5')
  const written = {
    ...facts,
    project: {
      ...facts.project!,
      land: { areaMu: '010.500' },
      taxRecords: [{ from: '2015-01-01', to: '2015-12-31', vat: '1000' }],
    },
  }
  const identity = identityOf(written) as typeof written
  t.equal(identity.project.investment, '120000000.50', 'money: two decimals')
  t.equal(identity.project.land.areaMu, '10.5', 'a decimal: no trailing or leading zeros')
  t.same(
    identity.project.taxRecords,
    [{ from: '2015-01-01', to: '2015-12-31', vat: '1000.00' }],
    'in lists too',
  )
  t.equal(identity.project.id, 'p', 'other strings as they are')
  t.equal(identity.applicationDate, '2015-06-01')
  t.equal(identityOf(identity), identity, 'numbers already written one way: the same object')
  t.same(written.project.investment, '0120000000.5', 'the facts themselves are not changed')
})
