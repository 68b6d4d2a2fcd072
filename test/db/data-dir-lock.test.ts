// One process per PGlite directory: a second opener fails at once, naming the directory and the
// holder's pid; a lock left by a dead process (or by a reused pid) does not block.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { DataDirectoryLockedError, LOCK_FILE, lockDataDirectory } from '../../src/db/data-dir-lock.ts'
import { openPglite } from '../../src/db/database.ts'

const startOf = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!
}

/** A live process that is not us, to stand for another server holding the directory. */
const otherProcess = (t: Test) => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' })
  t.teardown(() => {
    child.kill('SIGKILL')
  })
  return child
}

const writeLock = (dir: string, pid: number, processStart: string | null, host = hostname()) =>
  writeFile(
    join(dir, LOCK_FILE),
    JSON.stringify({
      pid,
      hostname: host,
      command: 'node src/server.ts',
      since: '2026-12-03T00:00:00Z',
      processStart,
    }),
  )

t.test('held by this process: a second lock fails, release frees it', async (t) => {
  const dir = t.testdir({})
  const release = await lockDataDirectory(dir)
  const held = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))
  t.equal(held.pid, process.pid)
  const error = await lockDataDirectory(dir).catch((e: unknown) => e)
  t.ok(error instanceof DataDirectoryLockedError)
  t.match((error as Error).message, dir)
  t.match((error as Error).message, `pid ${process.pid}`)
  await release()
  t.notOk(existsSync(join(dir, LOCK_FILE)), 'released: the file is gone')
  const again = await lockDataDirectory(dir)
  await again()
})

t.test('held by another live process: refused with its pid and command', async (t) => {
  const dir = t.testdir({})
  const other = otherProcess(t)
  await writeLock(dir, other.pid!, await startOf(other.pid!))
  const error = await lockDataDirectory(dir).catch((e: unknown) => e)
  t.ok(error instanceof DataDirectoryLockedError)
  t.match(
    (error as Error).message,
    new RegExp(`in ${dir} is in use by another process: pid ${other.pid} \\(node src/server.ts\\)`),
  )
  t.notMatch((error as Error).message, /\n/, 'one line')
})

t.test('stale locks do not block', async (t) => {
  const dir = t.testdir({})
  // A process that has exited.
  const dead = spawn('true')
  await new Promise((r) => dead.on('exit', r))
  await writeLock(dir, dead.pid!, null)
  let release = await lockDataDirectory(dir)
  t.equal(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid, process.pid, 'a dead pid: taken over')
  await release()

  // The pid is alive but is another process than the one that wrote the lock (pid reuse).
  const other = otherProcess(t)
  await writeLock(dir, other.pid!, '1')
  release = await lockDataDirectory(dir)
  t.pass('a reused pid: taken over')
  await release()

  // Our own pid in a lock we do not hold: a previous life of this container (we are pid 1 again).
  await writeLock(dir, process.pid, null)
  release = await lockDataDirectory(dir)
  t.pass('our own pid, not held by us: taken over')
  await release()

  // Unreadable (not a lock this code wrote): taken over, not a crash.
  await writeFile(join(dir, LOCK_FILE), 'garbage')
  release = await lockDataDirectory(dir)
  await release()

  // Another host (a shared volume): cannot be checked, so it blocks.
  await writeLock(dir, 12345, null, 'some-other-host')
  await t.rejects(lockDataDirectory(dir), DataDirectoryLockedError)
})

t.test('openPglite: a second opener of the same directory fails at once', async (t) => {
  const dir = join(t.testdir({}), 'data')
  const first = await openPglite(dir)
  t.teardown(() => first.close())
  const started = Date.now()
  const error = await openPglite(dir).catch((e: unknown) => e)
  t.ok(error instanceof DataDirectoryLockedError, 'refused')
  t.ok(Date.now() - started < 1_000, 'at once, without starting a second PGlite')
  await first.close()
  t.notOk(existsSync(join(dir, LOCK_FILE)), 'closing releases the lock')
  // (A second PGlite in one process after closing the first keeps the process alive: checked with
  // the lock alone.)
  const release = await lockDataDirectory(dir)
  await release()
})
