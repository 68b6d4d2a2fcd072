// How `npm start` runs node: the flags of package.json's start script, read from it, so that the
// processes the tests and the benchmarks start as "the service" (fault instances, the bench server)
// run as a user's does. test/scripts/node-flags.test.ts keeps the worker script and the Dockerfile in
// step with it.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
}

/** A script's words between `node` and the file it runs: `node A B src/server.ts` → [A, B]. */
export const nodeArgsOf = (script: string): string[] => {
  const words = script.trim().split(/\s+/)
  if (words[0] !== 'node' || words.length < 2) throw new Error(`not a node command: ${script}`)
  return words.slice(1, -1)
}

export const PACKAGE_SCRIPTS = pkg.scripts

/** node's arguments before src/server.ts in `npm start`, e.g. ['--min-semi-space-size=16', '--import', 'tsx'] */
export const START_NODE_ARGS: string[] = nodeArgsOf(pkg.scripts['start']!)
