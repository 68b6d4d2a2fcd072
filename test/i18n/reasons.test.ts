// Every reason code the engine can give has its message in both languages (src/i18n/reasons.ts):
// the codes written in the engine's source, and every code in the golden evaluations (every
// example, case file and the full application, under each ruleset).

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { isReasonCode, REASON_CODES, REASONS, reasonMessage } from '../../src/i18n/reasons.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

const files = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) ? [path] : []
  })

t.test('every code written in the engine is in the table', async (t) => {
  // Reason codes are the engine's only SCREAMING_SNAKE string literals.
  const written = new Set<string>()
  for (const file of files(join(ROOT, 'src', 'engine'), '.ts')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g))
      written.add(m[1]!)
  }
  t.ok(written.size >= 50, `${written.size} codes found in src/engine`)
  t.same(
    [...written].filter((c) => !isReasonCode(c)),
    [],
    'no code without a message',
  )
})

t.test('every code in the golden evaluations is in the table', async (t) => {
  const seen = new Set<string>()
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk)
    else if (typeof value === 'object' && value !== null) {
      const o = value as Record<string, unknown>
      if (typeof o['code'] === 'string' && typeof o['message'] === 'object') seen.add(o['code'])
      Object.values(o).forEach(walk)
    }
  }
  for (const file of files(join(ROOT, 'test', 'engine', 'golden'), '.json')) {
    walk(JSON.parse(readFileSync(file, 'utf8')))
  }
  t.ok(seen.size >= 30, `${seen.size} codes in the golden evaluations`)
  t.same(
    [...seen].filter((c) => !isReasonCode(c)),
    [],
  )
})

t.test('each message is written in both languages, and reasonMessage picks one', async (t) => {
  for (const code of REASON_CODES) {
    t.match(REASONS[code].zh, /[\u4e00-\u9fff]/, `${code}: Chinese`)
    t.match(REASONS[code].en, /^[\x20-\x7e’–§]+$/, `${code}: English`)
  }
  t.equal(reasonMessage('NEGATIVE_LIST'), REASONS.NEGATIVE_LIST.zh, 'Chinese by default')
  t.match(reasonMessage('NEGATIVE_LIST', 'zh-CN'), /立项禁批、用地禁供、环保禁评、金融禁贷/)
  t.equal(reasonMessage('CAP_REACHED', 'en'), REASONS.CAP_REACHED.en)
  t.equal(reasonMessage('NO_SUCH_CODE', 'en'), 'NO_SUCH_CODE', 'an unknown code comes back as it is')
})
