// Accept-Language negotiation (RFC 9110 §12.5.4 weights, RFC 4647 basic filtering), zh-CN by default.

import t from 'tap'
import { negotiateLanguage } from '../../src/i18n/language.ts'

const CASES: [string | undefined, string, string][] = [
  [undefined, 'zh-CN', 'no header: the default'],
  ['', 'zh-CN', 'empty: the default'],
  ['en', 'en', 'a plain range'],
  ['en-GB', 'en', 'a regional English is our English'],
  ['EN-us', 'en', 'ranges are case-insensitive'],
  ['zh-CN', 'zh-CN', 'Chinese'],
  ['zh', 'zh-CN', 'the primary tag alone'],
  ['zh-Hans-CN', 'zh-CN', 'a script subtag'],
  ['fr', 'zh-CN', 'a language we do not write: the default'],
  ['fr, en;q=0.5', 'en', 'the best one we write'],
  ['zh;q=0.4, en;q=0.8', 'en', 'the higher weight wins, whatever the order'],
  ['en;q=0.8, zh;q=0.8', 'en', 'a tie: the earlier range'],
  ['zh-CN;q=0.9, en;q=1.0', 'en', 'q=1.0 is 1'],
  ['en;q=0, *', 'zh-CN', 'English refused, anything else welcome'],
  ['zh;q=0, *;q=0.1', 'en', 'Chinese refused: the other language'],
  ['zh;q=0', 'en', 'only Chinese refused, no other preference'],
  ['*', 'zh-CN', 'the wildcard: the default'],
  ['en;q=2, zh;q=0.5', 'zh-CN', 'an invalid weight (above 1) drops its range'],
  ['en;q=0.1234, zh;q=0.5', 'zh-CN', 'more than three decimals is invalid'],
  ['en;q=abc', 'zh-CN', 'a weight that is not a number'],
  ['en ; q = 0.7 , fr', 'en', 'whitespace around parameters'],
  ['x-klingon-extra-long-tag, en', 'en', 'unknown ranges are skipped'],
  ['en;q=0.5, *;q=0.9', 'zh-CN', 'the wildcard weighted above every named range'],
]

for (const [header, expected, why] of CASES) {
  t.equal(negotiateLanguage(header), expected, `${JSON.stringify(header)}: ${why}`)
}
t.equal(negotiateLanguage(['fr', 'en;q=0.3']), 'en', 'a header sent twice is one list')
