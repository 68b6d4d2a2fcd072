// The repository keeps copies of the policy it implements, so that a clean clone has them (the README
// links them, the console shows the source's clauses): policy/source-opinions-2014.zh.txt, the
// source, and policy/POLICY.md, every computable part of it with the interpretations chosen. Where
// the shared originals sit beside the repository (../shared/policy), each copy must equal its
// original: a changed original fails here until the copy is taken again.

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'

const root = join(import.meta.dirname, '..')

for (const file of ['source-opinions-2014.zh.txt', 'POLICY.md']) {
  const copy = join(root, 'policy', file)
  const shared = join(root, '..', 'shared', 'policy', file)
  t.test(`policy/${file}`, async (t) => {
    t.ok(existsSync(copy), 'is in the repository')
    t.test('is the shared original', { skip: !existsSync(shared) && `no ${shared} here` }, async (t) => {
      t.equal(readFileSync(copy, 'utf8'), readFileSync(shared, 'utf8'))
    })
  })
}

t.test('the README links the copies', async (t) => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  t.match(readme, '](policy/POLICY.md)')
  t.notMatch(readme, '../shared/', 'no link outside the repository')
})
