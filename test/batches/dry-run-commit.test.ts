// A dry run's chunks commit without waiting for the disk (src/db/batches-repository.ts
// commitWithoutWaiting: synchronous_commit off for the chunk's transaction only); a submit's chunks,
// which grant, wait as every decision does. Seen from the statements each job sends (a Kysely plugin
// that records them), and from the setting, which no chunk leaves behind on its connection.

import { type KyselyPlugin, type RootOperationNode, sql } from 'kysely'
import t from 'tap'
import { runBatchSlice } from '../../src/batches/run.ts'
import { sealedBatch } from '../helpers/batches.ts'
import { testDatabase } from '../helpers/database.ts'
import { deepProcessing, keysWithFinanceId } from '../helpers/fixtures.ts'

/** Counts the statements that set synchronous_commit. */
const recorder = () => {
  const seen = { settings: 0, statements: 0 }
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }: { node: RootOperationNode }) => {
      seen.statements += 1
      if (node.kind === 'RawNode' && node.sqlFragments.join('?').includes('synchronous_commit'))
        seen.settings += 1
      return node
    },
    transformResult: async ({ result }) => result,
  }
  return { seen, plugin }
}

t.test('a dry run’s chunks commit without waiting for the disk; a submit’s wait', async (t) => {
  const database = await testDatabase(t)
  const { financeKeyId } = await keysWithFinanceId(database)
  const facts = Array.from({ length: 7 }, (_, i) => deepProcessing(`commit-${i % 3}`, '60000000.00'))
  for (const [mode, expected] of [
    ['dry-run', 4],
    ['submit', 0],
  ] as const) {
    const id = await sealedBatch(database.db, { mode, submittedBy: financeKeyId, facts })
    const { seen, plugin } = recorder()
    t.equal(
      await runBatchSlice(database.db.withPlugin(plugin), id, { chunkRows: 2, sliceMs: 60_000 }),
      'done',
    )
    t.ok(seen.statements > 4 * 4, `${mode}: the job's statements were seen`)
    t.equal(seen.settings, expected, `${mode}: ${expected} of its 4 chunks commit without waiting`)
    const after = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(database.db)
    t.equal(after.rows[0]!.synchronous_commit, 'on', `${mode}: the setting does not outlive the chunk`)
  }
})
