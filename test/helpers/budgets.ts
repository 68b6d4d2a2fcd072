// Budget queues for the top-up tests (issue #11): applications queued behind an interest-subsidy
// budget, the state of that queue, and a fault that fails the n-th funding correction as a dropped
// connection would.

import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Test } from 'tap'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { deepProcessing } from './fixtures.ts'

/**
 * Submits `count` §18 deep-processing applications of 1 000 000.00 each (due 60 000.00 each, 6 %),
 * one project per application, in order; each must be stored (201).
 */
export const submitInterestSubsidies = async (
  t: Test,
  app: FastifyInstance,
  headers: Record<string, string>,
  count: number,
  prefix: string,
): Promise<void> => {
  for (let i = 0; i < count; i++) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...headers, 'idempotency-key': `${prefix}-${i}` },
      payload: deepProcessing(`${prefix}-${i}`, '1000000.00'),
    })
    t.equal(r.statusCode, 201, r.body)
  }
}

/** The current interest-subsidy outcome of every application, in submission order. */
export const interestSubsidyQueue = async (database: DatabaseHandle) =>
  (
    await sql<{ id: string; status: string }>`
      select d.id, o.status from applications a
      join decisions d on d.application_id = a.id
        and not exists (select 1 from decisions n where n.supersedes = d.id)
      join decision_outcomes o on o.decision_id = d.id and o.measure = 'interest-subsidy'
      order by a.seq`.execute(database.db)
  ).rows

/** The n-th correction (a decision that supersedes another) fails while fail_corrections holds n. */
export const failNthCorrection = async (database: DatabaseHandle, n: number): Promise<void> => {
  await sql`create table fail_corrections (n integer not null)`.execute(database.db)
  await sql`insert into fail_corrections values (${n})`.execute(database.db)
  await sql`
    create function fail_corrections() returns trigger language plpgsql as $$
    begin
      if new.supersedes is not null and exists (select 1 from fail_corrections)
         and (select count(*) from decisions where supersedes is not null)
             >= (select n from fail_corrections limit 1) - 1 then
        raise exception 'connection lost (test)';
      end if;
      return new;
    end $$`.execute(database.db)
  await sql`create trigger fail_corrections before insert on decisions
            for each row execute function fail_corrections()`.execute(database.db)
}

/** The fault of failNthCorrection lifted: corrections succeed again. */
export const clearCorrectionFault = (database: DatabaseHandle) =>
  sql`delete from fail_corrections`.execute(database.db)

/** Decisions superseded by more than one decision: a queued outcome funded twice, a correction made twice. */
export const supersededTwice = async (database: DatabaseHandle): Promise<string[]> =>
  (
    await sql<{ supersedes: string }>`
      select supersedes from decisions where supersedes is not null
      group by supersedes having count(*) > 1`.execute(database.db)
  ).rows.map((r) => r.supersedes)
