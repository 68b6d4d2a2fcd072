// console/clauses.zh.json, the clause texts the console shows beside each trace: the source's 23
// numbered clauses (POLICY.md §0: (一)…(二十三) cited as §1…§23), each exactly as in the Chinese
// source. Regenerate with `npx tsx scripts/console-clauses.ts`.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { chineseNumeral, clauseTable } from '../../scripts/clause-table.ts'

const root = join(import.meta.dirname, '..', '..')
const table = JSON.parse(readFileSync(join(root, 'console', 'clauses.zh.json'), 'utf8'))
const SOURCE = join(root, 'policy', 'source-opinions-2014.zh.txt')

t.test('numerals', async (t) => {
  t.same([1, 9, 10, 11, 18, 20, 23].map(chineseNumeral), ['一', '九', '十', '十一', '十八', '二十', '二十三'])
})

t.test('23 clauses, numbered as in the source', async (t) => {
  t.same(
    Object.keys(table),
    Array.from({ length: 23 }, (_, i) => `§${i + 1}`),
  )
  for (const [n, clause] of Object.entries(table) as [string, { number: string; text: string[] }][]) {
    t.equal(clause.number, `（${chineseNumeral(Number(n.slice(1)))}）`, n)
    t.ok(clause.text.length > 0 && clause.text.every((p) => p.length > 0), `${n} has its text`)
  }
  // The clauses the measures cite (POLICY.md §2), spot-checked against the source's wording.
  t.equal(table['§18'].heading, '强化财税政策导向')
  t.match(table['§18'].text.join(''), '按照投资额的6%给予企业贴息补助，单个项目最高补助1000万元')
  t.equal(table['§14'].heading, '降低工业用地成本')
  t.equal(table['§17'].heading, '实施产业负面清单')
})

// The exact text: the table is what the script makes of the source. The repository keeps a copy of
// the source (policy/source-opinions-2014.zh.txt), so the comparison runs on any clean clone
// (test/policy.test.ts: the copy equals the shared original where that sits beside the repository).
t.test('equal to the table made from the source', async (t) => {
  t.same(table, clauseTable(readFileSync(SOURCE, 'utf8')))
})
