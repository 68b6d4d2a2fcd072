// The ledgers' keys (src/engine/ledgers.ts): from ruleset 1.5.0 an identifier is one subject whatever
// the case of its Latin letters; a decision of an earlier ruleset replays comparing keys as written.

import fc from 'fast-check'
import t from 'tap'
import {
  foldCase,
  foldKey,
  type History,
  LedgerView,
  subjectKey,
  writtenKey,
} from '../../src/engine/ledgers.ts'

const platform = (platformId: string) => ({ ledger: 'rd-platform-grant' as const, platformId })
const project = (projectId: string) => ({
  ledger: 'interest-subsidy' as const,
  creditCode: '91530300MA6K5A1B2G',
  projectId,
})

t.test('keys: a–z upper-cased, nothing else; a budget kept as written', async (t) => {
  t.equal(subjectKey(platform('nerc-Rare-1')), 'NERC-RARE-1')
  t.equal(writtenKey(platform('nerc-Rare-1')), 'nerc-Rare-1')
  t.equal(subjectKey(project('qj-foil')), '["91530300MA6K5A1B2G","QJ-FOIL"]')
  t.equal(foldKey('talent-award-year', 'straße-ı-é-ｅ-е'), 'STRAßE-ı-é-ｅ-е', 'only ASCII letters change')
  const budget = {
    ledger: 'budget' as const,
    year: 2015,
    measure: 'interest-subsidy' as const,
    prefecture: 'qujing',
  }
  t.equal(subjectKey(budget), writtenKey(budget))
  t.equal(subjectKey(budget), '[2015,"interest-subsidy","qujing"]')
})

t.test('a view finds what was granted under another spelling, from 1.5.0 on', async (t) => {
  const history: History = {
    totals: [{ ledger: 'interest-subsidy', key: writtenKey(project('QJ-Foil')), total: '7200000.00' }],
    grants: [
      {
        ledger: 'rd-platform-grant',
        key: 'nerc-1',
        kind: 'once',
        item: 'national',
        period: null,
        amount: '3000000.00',
        decisionId: 'd1',
        creditCode: '91530300MA6K5A1B2G',
      },
    ],
  }
  const folded = new LedgerView(history, true)
  t.equal(folded.total(project('qj-foil')), '7200000.00')
  t.equal(folded.granted(platform('NERC-1'), 'national')?.decisionId, 'd1')
  t.equal(folded.granted(platform('nerc-2'), 'national'), undefined, 'another id is another subject')
  const asWritten = new LedgerView(history, false)
  t.equal(asWritten.total(project('qj-foil')), '0.00', 'before 1.5.0: as written')
  t.equal(asWritten.total(project('QJ-Foil')), '7200000.00')
  t.equal(asWritten.granted(platform('NERC-1'), 'national'), undefined)
  t.equal(asWritten.granted(platform('nerc-1'), 'national')?.decisionId, 'd1')
})

t.test('foldCase upper-cases exactly a–z, on ASCII and on any other text', async (t) => {
  // the reference: the regex replace foldCase takes for non-ASCII text (and the database's translate)
  const reference = (text: string) => text.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32))
  for (const text of [
    '',
    'nerc-1',
    'NERC-1',
    'talent-0001',
    'GB/T 00000-2015',
    'straße',
    'café-é',
    'ﬁx',
    'ǆ-ı',
    '云南-abc',
  ])
    t.equal(foldCase(text), reference(text), text)
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 24 }), (text) => foldCase(text) === reference(text)),
  )
  fc.assert(fc.property(fc.string({ maxLength: 24 }), (text) => foldCase(text) === reference(text)))
})
