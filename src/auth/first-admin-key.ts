// Where the first admin key goes. Never into the log: JSON logs are shipped, indexed and kept by
// other systems, and a key in them is a key for whoever reads them. A person at a terminal sees it
// once on stdout; otherwise it is written to a file only its owner can read (mode 0600), and the
// log says where.

import { chmod, mkdir, open } from 'node:fs/promises'
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
  const path = resolve(options.file)
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  // 'w' with mode 0600 sets the mode only for a new file: chmod covers a file left by an earlier run.
  const handle = await open(path, 'w', 0o600)
  try {
    await handle.writeFile(`${key}\n`)
  } finally {
    await handle.close()
  }
  await chmod(path, 0o600)
  return { to: 'file', path }
}
