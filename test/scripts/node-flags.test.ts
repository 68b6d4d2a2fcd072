// The service's processes run node with the same flags: `npm start`, `npm run worker` (batch
// workers, engine-heavy loops), the Docker image's command, and so the fault tests' instances and
// the bench server (test/helpers/start-command.ts). The flag that matters today is a young
// generation of 16 MB from the start (--min-semi-space-size=16; node's default starts at 1 MB and
// grows it by its own heuristics): BENCHMARKS.md "A young generation of 16 MB" measured why.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { nodeArgsOf, PACKAGE_SCRIPTS, START_NODE_ARGS } from '../helpers/start-command.ts'

const ROOT = join(import.meta.dirname, '..', '..')

t.test('npm start gives node a 16 MB young generation and loads tsx', async (t) => {
  t.ok(START_NODE_ARGS.includes('--min-semi-space-size=16'), START_NODE_ARGS.join(' '))
  t.equal(START_NODE_ARGS.slice(-2).join(' '), '--import tsx')
  t.match(PACKAGE_SCRIPTS['start'], / src\/server\.ts$/)
})

t.test('the worker, the benches and the Docker image run node as npm start does', async (t) => {
  for (const script of ['worker', 'bench', 'bench:engine'])
    t.same(nodeArgsOf(PACKAGE_SCRIPTS[script]!), START_NODE_ARGS, script)
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1]
  t.ok(cmd, 'the Dockerfile has an exec-form CMD')
  const words = JSON.parse(cmd!) as string[]
  t.same(words, ['node', ...START_NODE_ARGS, 'src/server.ts'])
})

t.test('a script that is not a node command is refused, not misread', async (t) => {
  t.throws(() => nodeArgsOf('tsx src/server.ts'), /not a node command/)
  t.same(nodeArgsOf('node --a --import tsx x.ts'), ['--a', '--import', 'tsx'])
})
