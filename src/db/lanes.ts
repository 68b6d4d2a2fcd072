// Natural batching of one kind of statement (issue #10, the write path): a few lanes per database
// handle. An item finding a lane free is sent at once, alone: no wait is added when the service is
// idle. Items arriving while every lane is busy wait, and the next lane to come free sends up to
// `limit` of them as one statement. When the database refuses that statement, each item is sent
// again alone, so each gets its own answer or error; when the connection is lost (the statement may
// have committed), every item gets that error, as it would alone. No SQL here: src/db/store-groups.ts
// says what is sent.

import { databaseUnavailable } from './faults.ts'

export interface LaneWork<I, O> {
  /** one item, as it would be sent without lanes */
  alone(item: I): Promise<O>
  /** several items in one statement: their answers, in order */
  together(items: readonly I[]): Promise<O[]>
}

/** How the items went: sent alone, groups and their members, groups the database refused or lost. */
export interface LaneCounts {
  alone: number
  groups: number
  members: number
  failed: number
}

interface Waiting<I, O> {
  item: I
  resolve: (answer: O) => void
  reject: (error: unknown) => void
}

export class Lanes<I, O> {
  readonly counts: LaneCounts = { alone: 0, groups: 0, members: 0, failed: 0 }
  private busy = 0
  private readonly waiting: Waiting<I, O>[] = []

  constructor(
    private readonly work: LaneWork<I, O>,
    /** lanes in the database at once */
    private readonly lanes: number,
    /** items in one statement at most; 1: every item alone, at once */
    public limit: number,
  ) {}

  send(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      const w = { item, resolve, reject }
      if (this.limit <= 1) void this.alone(w)
      else if (this.busy >= this.lanes) this.waiting.push(w)
      else void this.run(w)
    })
  }

  private async alone(w: Waiting<I, O>): Promise<void> {
    this.counts.alone++
    try {
      w.resolve(await this.work.alone(w.item))
    } catch (error) {
      w.reject(error)
    }
  }

  private async run(first: Waiting<I, O>): Promise<void> {
    this.busy++
    try {
      await this.alone(first)
      while (this.waiting.length > 0) {
        const members = this.waiting.splice(0, this.limit)
        if (members.length === 1) {
          await this.alone(members[0]!)
          continue
        }
        this.counts.groups++
        this.counts.members += members.length
        let answers: O[]
        try {
          answers = await this.work.together(members.map((m) => m.item))
        } catch (error) {
          this.counts.failed++
          if (databaseUnavailable(error)) for (const m of members) m.reject(error)
          else await Promise.all(members.map((m) => this.alone(m)))
          continue
        }
        for (const [i, m] of members.entries()) m.resolve(answers[i]!)
      }
    } finally {
      this.busy--
    }
  }
}
