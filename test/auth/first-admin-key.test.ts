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

t.test('a file left by an earlier run is overwritten and made 0600', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'admin-key-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'admin-key.txt')
  await writeFile(file, 'old', { mode: 0o644 })
  await deliverFirstAdminKey(KEY, { file, terminal: false, write: () => {} })
  t.equal((await stat(file)).mode & 0o777, 0o600)
  t.equal(await readFile(file, 'utf8'), `${KEY}\n`)
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
