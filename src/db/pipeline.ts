// Statements sent inside a transaction without waiting for their answers, so the caller's CPU work
// and PostgreSQL's work on what was sent overlap (issue #11 "Speed"). A batch chunk decides its rows
// in Node and stores them in PostgreSQL; done one after the other, each waits for the other
// (bench/batch-speed.ts: about 0.5 ms of Node's CPU and 0.35 ms of PostgreSQL's per submitted row,
// BENCHMARKS.md). Sending
// each group of rows' writes as soon as they are prepared lets PostgreSQL store that group while the
// next one is decided.
//
// Nothing about the transaction changes: one connection, the statements executed in the order they
// were sent (Kysely hands a transaction's connection to one query at a time, in order), all
// committed or all rolled back together. What changes is only when the caller learns of a failure:
// at `drain()`, which throws the first failed statement's error, so the transaction's retry logic
// (src/db/retry.ts) sees the error that caused the others (after a failure PostgreSQL refuses every
// later statement of the transaction).

import { letOthersIn } from './take-turns.ts'

export class Pipeline {
  private readonly sent: Promise<void>[] = []
  private failedYet = false

  /** A statement sent has failed already: the transaction is lost, the caller can stop early. */
  get failed(): boolean {
    return this.failedYet
  }

  /**
   * Sends a statement (the promise of its execution) and waits one turn of the event loop, in which
   * the query goes out on its socket: Kysely reaches the driver through several awaits, and
   * microtasks would otherwise wait for the caller's next synchronous stretch to end.
   */
  async send(statement: Promise<void>): Promise<void> {
    // Its failure is reported by drain(), never as an unhandled rejection in between.
    statement.catch(() => {
      this.failedYet = true
    })
    this.sent.push(statement)
    await letOthersIn()
  }

  /** Waits for every statement sent; throws the first one's error, if any. */
  async drain(): Promise<void> {
    await this.settled()
    for (const statement of this.sent) await statement
  }

  /**
   * Waits for every statement sent to succeed or fail, quietly: when the caller failed itself, so
   * its rollback never overtakes a statement still on its way.
   */
  async settled(): Promise<void> {
    await Promise.allSettled(this.sent)
  }
}
