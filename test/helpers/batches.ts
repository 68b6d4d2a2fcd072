// A batch as an upload leaves it (src/routes/batches.ts: created, its rows stored, sealed `queued`),
// written straight through the repository and handed to no runner: the test runs its chunks itself
// (runBatchSlice), or lets the API act on it (retry, cancel).

import { randomUUID } from 'node:crypto'
import { createBatch, insertInputs, sealBatch } from '../../src/db/batches-repository.ts'
import type { Executor } from '../../src/db/executor.ts'
import type { Application } from '../../src/engine/types.ts'

/** A JSON Lines batch of these applications (rows 1..n), submitted by a finance key; its id. */
export const sealedBatch = async (
  db: Executor,
  {
    mode,
    submittedBy,
    facts,
    name,
  }: {
    mode: 'dry-run' | 'submit'
    submittedBy: string
    facts: readonly Application[]
    /** its content hash (a submitted batch's identity); by default one of its own */
    name?: string
  },
): Promise<string> => {
  const id = randomUUID()
  await createBatch(db, { id, mode, format: 'jsonl', submittedBy, submittedRole: 'finance' })
  await insertInputs(
    db,
    id,
    facts.map((f, i) => ({ row: i + 1, facts: f, errors: null })),
  )
  await sealBatch(db, id, facts.length, name ?? `test-${id}`)
  return id
}
