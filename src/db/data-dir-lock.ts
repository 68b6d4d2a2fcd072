// PGlite is PostgreSQL inside one process: two processes opening the same data directory each
// believe they own it, and their writes overwrite each other (lost applications, caps granted
// twice, a broken audit chain; a key created by `npm run keys:create` that the server never sees).
// So the directory is locked by a file holding the owner's pid: a second process fails at once,
// naming the directory and the holder. A lock left by a process that died (kill -9, a crash, a
// container restart) does not block: the holder's pid must be alive and, where /proc tells, be
// the same process that wrote the lock (pids are reused, and in a container we may be pid 1 again).

import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'

export const LOCK_FILE = 'incentives.lock'

interface Holder {
  pid: number
  hostname: string
  command: string
  since: string
  /** the process's start time in clock ticks since boot (/proc/<pid>/stat field 22), if known */
  processStart: string | null
}

export class DataDirectoryLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: Holder,
  ) {
    const where = holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`
    super(
      `the embedded database in ${dataDir} is in use by another process: pid ${holder.pid}${where} ` +
        `(${holder.command}), since ${holder.since}. PGlite serves one process: stop that one first, ` +
        'or use PostgreSQL (DATABASE_URL) for several',
    )
    this.name = 'DataDirectoryLockedError'
  }
}

/** Lock files this process holds (a lock naming our own pid but not held here is stale). */
const held = new Set<string>()

const processStart = async (pid: number): Promise<string | null> => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

const readHolder = async (file: string): Promise<Holder | null> => {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Holder>
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return null
    return {
      pid: parsed.pid,
      hostname: parsed.hostname,
      command: String(parsed.command ?? '?'),
      since: String(parsed.since ?? '?'),
      processStart: typeof parsed.processStart === 'string' ? parsed.processStart : null,
    }
  } catch {
    return null
  }
}

const alive = async (file: string, holder: Holder): Promise<boolean> => {
  // Another machine (a shared volume): its processes cannot be checked from here.
  if (holder.hostname !== hostname()) return true
  if (holder.pid === process.pid) return held.has(file)
  try {
    process.kill(holder.pid, 0)
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const start = holder.processStart === null ? null : await processStart(holder.pid)
  return start === null || start === holder.processStart
}

const sameHolder = (a: Holder | null, b: Holder | null) =>
  a !== null && b !== null && a.pid === b.pid && a.since === b.since && a.hostname === b.hostname

/**
 * Locks `dataDir` for this process; resolves to the function that releases it. Throws
 * DataDirectoryLockedError when a live process holds it.
 */
export const lockDataDirectory = async (dataDir: string): Promise<() => Promise<void>> => {
  await mkdir(dataDir, { recursive: true })
  const file = join(resolve(dataDir), LOCK_FILE)
  const me: Holder = {
    pid: process.pid,
    hostname: hostname(),
    // What a person would recognise: "node src/server.ts", "node scripts/keys-create.ts".
    command: ['node', ...process.argv.slice(1).map((a) => (isAbsolute(a) ? relative(process.cwd(), a) : a))]
      .join(' ')
      .slice(0, 200),
    since: new Date().toISOString(),
    processStart: await processStart(process.pid),
  }
  // Written whole to a private file, then linked into place: link() fails if the lock exists, so
  // creating it is atomic and nobody ever reads a half-written lock.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  await writeFile(draft, `${JSON.stringify(me)}\n`)
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(draft, file)
        held.add(file)
        return async () => {
          held.delete(file)
          if (sameHolder(await readHolder(file), me)) await unlink(file).catch(() => {})
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      }
      const holder = await readHolder(file)
      if (holder && (await alive(file, holder))) throw new DataDirectoryLockedError(dataDir, holder)
      // Stale (or unreadable): move it aside atomically, so of two processes taking over the same
      // stale lock only one removes it; if what we moved is not what we judged stale, someone
      // took the lock meanwhile: put theirs back (link fails if a third took it) and look again.
      const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`
      try {
        await rename(file, aside)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw e
      }
      const moved = await readHolder(aside)
      const judged = holder === null ? moved === null : sameHolder(moved, holder)
      if (!judged) await link(aside, file).catch(() => {})
      await unlink(aside).catch(() => {})
    }
    throw new Error(`could not lock ${dataDir}: the lock file ${file} keeps changing`)
  } finally {
    await unlink(draft).catch(() => {})
  }
}
