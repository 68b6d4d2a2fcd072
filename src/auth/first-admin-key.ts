// Where the first admin key goes. Never into the log: JSON logs are shipped, indexed and kept by
// other systems, and a key in them is a key for whoever reads them. A person at a terminal sees it
// once on stdout; otherwise it is written to a new file only its owner can read (mode 0600), never
// over an existing one, and the log says where.

import { chmod, type FileHandle, mkdir, open } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

export type AdminKeyDelivery = { to: 'terminal' } | { to: 'file'; path: string }

export interface DeliverOptions {
  /** where to write it when stdout is not a terminal */
  file: string
  /** whether stdout is a terminal (process.stdout.isTTY) */
  terminal: boolean
  /** writes to the terminal (process.stdout.write) */
  write: (text: string) => void
}

export const deliverFirstAdminKey = async (
  key: string,
  options: DeliverOptions,
): Promise<AdminKeyDelivery> => {
  if (options.terminal) {
    options.write(
      `\n  First start: an admin API key was created. It is shown only now; keep it:\n\n    ${key}\n\n` +
        '  Use it as "Authorization: Bearer <key>"; create other keys with POST /v1/keys or npm run keys:create.\n\n',
    )
    return { to: 'terminal' }
  }
  const wanted = resolve(options.file)
  await mkdir(dirname(wanted), { recursive: true, mode: 0o700 })
  // Never over a file already there: it may hold the key of another database (the embedded one and
  // a PostgreSQL server share ./data) that its owner has not copied yet. The next free name instead
  // (admin-key-2.txt, …), created exclusively with mode 0600, and the log says which.
  for (let n = 1; ; n++) {
    const path = n === 1 ? wanted : wanted.replace(/(\.[^./]*)?$/, (ext) => `-${n}${ext}`)
    let handle: FileHandle
    try {
      handle = await open(path, 'wx', 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw error
    }
    try {
      await handle.writeFile(`${key}\n`)
    } finally {
      await handle.close()
    }
    // the umask can narrow the mode given to open, never widen it; chmod makes it exactly 0600
    await chmod(path, 0o600)
    return { to: 'file', path }
  }
}
