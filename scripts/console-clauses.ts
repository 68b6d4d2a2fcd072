// Writes console/clauses.zh.json, the console's table of the source clauses: for each §n (the
// source's (一)…(二十三), POLICY.md §0 numbering) its heading and its text, copied exactly from the
// Chinese source. The API serves clause numbers (traces, /v1/measures) but not their text; the
// console shows the text next to each trace. test/console/clauses.test.ts checks the table against
// the source.
//   npx tsx scripts/console-clauses.ts [source.txt]   (default policy/source-opinions-2014.zh.txt, the repository's copy of ../shared/policy's)

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { clauseTable } from './clause-table.ts'

const root = join(import.meta.dirname, '..')
const source = process.argv[2] ?? join(root, 'policy', 'source-opinions-2014.zh.txt')
const table = clauseTable(readFileSync(source, 'utf8'))
writeFileSync(join(root, 'console', 'clauses.zh.json'), `${JSON.stringify(table, null, 1)}\n`)
process.stdout.write(`${Object.keys(table).length} clauses written to console/clauses.zh.json\n`)
