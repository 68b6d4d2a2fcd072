// The evaluations' serializer writes exactly the bytes Node wrote for JSON.stringify's string:
// ASCII, Chinese, characters outside the BMP, lone surrogates (escaped by JSON.stringify), answers
// longer than the scratch buffer, and one answer after another (nothing left over from the last).

import t, { type Test } from 'tap'
import { jsonBytes } from '../../src/routes/json-bytes.ts'

const same = (t: Test, value: unknown, name: string) =>
  t.ok(jsonBytes(value).equals(Buffer.from(JSON.stringify(value), 'utf8')), name)

t.test('the same bytes as Buffer.from(JSON.stringify(value))', async (t) => {
  same(t, { a: 1, b: 'plain ASCII', c: [true, null, 1.5] }, 'ASCII')
  same(t, { reason: '项目投资额达到 1 亿元', en: 'investment ≥ 100 million yuan' }, 'Chinese and symbols')
  same(t, { emoji: '𝌆😀', mixed: 'a𝌆b' }, 'surrogate pairs')
  same(t, { lone: '\ud800x\udc00' }, 'lone surrogates')
  same(t, { long: '税'.repeat(400_000) }, 'longer than the scratch buffer holds (Buffer.from)')
  same(t, { edge: '税'.repeat(349_514) }, 'just within the scratch buffer (3 bytes a character, 1 MiB)')
  const long = jsonBytes({ text: '长'.repeat(1000) })
  const short = jsonBytes({ text: 'x' })
  t.equal(short.toString('utf8'), '{"text":"x"}', 'a short answer after a long one')
  t.equal(long.toString('utf8'), JSON.stringify({ text: '长'.repeat(1000) }), 'the long one is its own copy')
})
