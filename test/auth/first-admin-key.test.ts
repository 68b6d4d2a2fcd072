// The first admin key goes to a 0600 file (or the terminal), never anywhere else.

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { deliverFirstAdminKey } from '../../src/auth/first-admin-key.ts'

const KEY = `yik_${'a'.repeat(16)}_${'S'.repeat(43)}`

t.test('not a terminal: a file only its owner can read, in a directory created for it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'admin-key-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const written: string[] = []
  const file = join(dir, 'data', 'admin-key.txt')
  const result = await deliverFirstAdminKey(KEY, { file, terminal: false, write: (s) => written.push(s) })
  t.same(result, { to: 'file', path: file })
  t.equal(await readFile(file, 'utf8'), `${KEY}\n`)
  t.equal((await stat(file)).mode & 0o777, 0o600)
  t.same(written, [], 'nothing on stdout')
})

t.test('a file already there is kept: the key goes to the next free name, 0600', async (t) => {
  // e.g. the embedded database's key, not yet copied, when the service first starts on PostgreSQL
  const dir = await mkdtemp(join(tmpdir(), 'admin-key-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'admin-key.txt')
  await writeFile(file, 'the other database key\n', { mode: 0o644 })
  await writeFile(join(dir, 'admin-key-2.txt'), 'a third\n')
  const result = await deliverFirstAdminKey(KEY, { file, terminal: false, write: () => {} })
  const next = join(dir, 'admin-key-3.txt')
  t.same(result, { to: 'file', path: next })
  t.equal(await readFile(file, 'utf8'), 'the other database key\n', 'not overwritten')
  t.equal(await readFile(join(dir, 'admin-key-2.txt'), 'utf8'), 'a third\n')
  t.equal(await readFile(next, 'utf8'), `${KEY}\n`)
  t.equal((await stat(next)).mode & 0o777, 0o600)
})

t.test('a terminal: shown once on stdout, no file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'admin-key-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const written: string[] = []
  const file = join(dir, 'admin-key.txt')
  const result = await deliverFirstAdminKey(KEY, { file, terminal: true, write: (s) => written.push(s) })
  t.same(result, { to: 'terminal' })
  t.match(written.join(''), KEY)
  await t.rejects(stat(file), 'no file written')
})
