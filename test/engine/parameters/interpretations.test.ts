// Every interpretation we chose is given in Chinese as well as English (src/engine/parameters/
// interpretations-zh.ts): the finance bureau and auditors read Chinese. A translation that drifts from
// its English — another clause, date or figure — is caught here: both must cite the same ones.

import t from 'tap'
import { INDICATORS } from '../../../src/engine/indicators/targets.ts'
import { DEFAULT_PARAMETERS } from '../../../src/engine/parameters/index.ts'
import { indicatorParameterName } from '../../../src/engine/parameters/indicators.ts'
import {
  CHINESE_INTERPRETATIONS,
  interpretationOf,
} from '../../../src/engine/parameters/interpretations-zh.ts'

/** Clauses, dates and figures, each once, in order of value. */
const citations = (text: string): string[] =>
  [...new Set(text.match(/§\d+|\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?/g) ?? [])].sort()

const readings = [
  ...DEFAULT_PARAMETERS.definitions().flatMap((p) =>
    p.interpretation === undefined ? [] : [[p.name, p.interpretation] as const],
  ),
  ...INDICATORS.flatMap((i) =>
    i.interpretation === undefined ? [] : [[indicatorParameterName(i.id), i.interpretation] as const],
  ),
]

t.test('every interpretation in Chinese, citing what its English cites', async (t) => {
  t.ok(readings.length >= 40, `${readings.length} interpretations`)
  for (const [name, en] of readings) {
    const zh = CHINESE_INTERPRETATIONS[name]
    t.match(zh, /[\u4e00-\u9fff]/, `${name}: in Chinese`)
    if (zh === undefined) continue
    t.same(citations(zh), citations(en), `${name}: the same clauses, dates and figures`)
    t.same(interpretationOf(name, en), { zh, en }, `${name}: both languages served`)
  }
  const named = new Set(readings.map(([name]) => name))
  t.same(
    Object.keys(CHINESE_INTERPRETATIONS).filter((name) => !named.has(name)),
    [],
    'no Chinese interpretation of a parameter without one',
  )
})
