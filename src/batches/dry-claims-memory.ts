// A dry run's would-be claims (issue #11 "dry-run evaluates every row against the ledgers as they
// stand"), kept in the worker's memory as well as with the batch (src/db/dry-claims-repository.ts).
// Every chunk of a dry run adds the claims of the chunks before it to the ledger as it stands. Read
// back from the batch for each chunk, by subject, they cost PostgreSQL an index lookup per subject:
// about an eighth of a dry run's time (BENCHMARKS.md, sixteenth session). The worker that wrote them
// keeps them instead, and reads the batch's only when it did not run the chunk before: a batch
// picked up after a restart, or from another worker.
//
// What makes the memory safe is `nextRow`: a batch's claims held here are those of its rows before
// `nextRow`, taken from chunks that committed; a chunk uses them only if the batch's `next_row`, read
// under the batch's lock, is that same row. Rows before `next_row` never change their claims (a
// chunk rolled back leaves none; a batch is never rewound), so equal rows mean equal claims. A chunk
// whose commit this worker did not see through (an error, a lost connection) never enters the memory:
// the next chunk finds another `next_row` and reads the table.

import type { DryClaim } from '../db/dry-claims-repository.ts'
import { formatFen, parseFen } from '../engine/money.ts'

const subjectId = (ledger: string, key: string) => `${ledger}\u0000${key}`

/**
 * A batch's claims before `nextRow`, by subject, as the chunks after read them: one-time grants and
 * rewarded days one by one in row order; a running total and a budget's queued outcomes summed (a
 * chunk adds them up anyway: src/decisions/decide-chunk.ts).
 */
export class BatchDryClaims {
  private readonly bySubject = new Map<string, DryClaim[]>()

  /** `claims`: those of the rows before `nextRow`, in row order. */
  constructor(
    public nextRow: number,
    claims: readonly DryClaim[] = [],
  ) {
    this.add(claims)
  }

  /**
   * After the chunk that ends before `nextRow` committed: its claims added. Called once the commit is
   * through, never inside the chunk's transaction (which may be retried), and with no await between
   * the commit and this call: a chunk holding these claims holds the batch's lock, so no other chunk
   * can commit, nor call this, while it reads them.
   */
  advance(nextRow: number, chunk: readonly DryClaim[]): void {
    this.add(chunk)
    this.nextRow = nextRow
  }

  /** The claims on these subjects (readDryClaims's answer for them: summed where it sums). */
  on(subjects: readonly { ledger: string; key: string }[]): DryClaim[] {
    return subjects.flatMap((s) => this.bySubject.get(subjectId(s.ledger, s.key)) ?? [])
  }

  private add(claims: readonly DryClaim[]): void {
    for (const c of claims) {
      const id = subjectId(c.ledger, c.key)
      const list = this.bySubject.get(id)
      if (!list) {
        this.bySubject.set(id, [{ ...c }])
        continue
      }
      const same =
        c.kind === 'cumulative' || c.kind === 'queued' ? list.find((x) => x.kind === c.kind) : undefined
      if (!same) list.push({ ...c })
      else if (c.kind === 'cumulative') same.amount = formatFen(parseFen(same.amount!) + parseFen(c.amount!))
      else same.queued = same.queued! + c.queued!
    }
  }
}

/** The dry runs a worker runs, their claims held between chunks; the oldest let go beyond `capacity`. */
export class DryClaimsMemory {
  private readonly batches = new Map<string, BatchDryClaims>()

  constructor(private readonly capacity = 4) {}

  /** The batch's claims before `nextRow`, if held: else undefined (the caller reads the table). */
  before(batchId: string, nextRow: number): BatchDryClaims | undefined {
    const held = this.batches.get(batchId)
    return held && held.nextRow === nextRow ? held : undefined
  }

  /** After a chunk committed: what the batch's next chunk will read. */
  keep(batchId: string, claims: BatchDryClaims): void {
    this.batches.delete(batchId)
    this.batches.set(batchId, claims)
    for (const oldest of this.batches.keys()) {
      if (this.batches.size <= this.capacity) break
      this.batches.delete(oldest)
    }
  }

  forget(batchId: string): void {
    this.batches.delete(batchId)
  }
}
