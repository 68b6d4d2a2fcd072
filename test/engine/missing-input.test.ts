// The reason of an outcome that lacks inputs (src/engine/measure.ts missingInputReason): its texts
// are frozen (a stored record keeps only its code and reads them back from here), and made once per
// list of pointers — the same object every time, never one list's texts for another list.

import t from 'tap'
import { missingInputReason } from '../../src/engine/measure.ts'

t.test('missing-input texts: as worded, one object per list, never another list’s', (t) => {
  const one = missingInputReason(['/project/investment'])
  t.same(one, {
    code: 'MISSING_INPUT',
    message: { zh: '缺少所需信息：/project/investment', en: 'missing input: /project/investment' },
    field: '/project/investment',
  })
  t.equal(missingInputReason(['/project/investment']).message, one.message, 'the same texts object again')
  t.ok(Object.isFrozen(one.message), 'shared, so frozen')
  const two = missingInputReason(['/project', '/project/land'])
  t.same(two.message, {
    zh: '缺少所需信息：/project、/project/land',
    en: 'missing input: /project, /project/land',
  })
  t.equal(missingInputReason(['/project', '/project/land']).message, two.message)
  // lists that a joined key would confuse stay apart
  const joined = missingInputReason(['/project\n/project/land'])
  t.not(joined.message, two.message)
  t.equal(joined.message.en, 'missing input: /project\n/project/land')
  const json = missingInputReason([JSON.stringify(['/project', '/project/land'])])
  t.not(json.message, two.message)
  t.same(missingInputReason([]).message, { zh: '缺少所需信息：', en: 'missing input: ' })
  t.end()
})
