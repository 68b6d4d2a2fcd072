// Budget queues for the top-up tests (issue #11): applications queued behind an interest-subsidy
// budget, the state of that queue, and a fault that fails the n-th funding correction as a dropped
// connection would.

import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Test } from 'tap'
import type { DatabaseHandle } from '../../src/db/database.ts'
import type { Application } from '../../src/engine/types.ts'
import { instancesOn } from './app.ts'
import { bearer, deepProcessing, ENTERPRISE_A, keysFor } from './fixtures.ts'

/**
 * The concurrency tests' callers: the API instances on `database` (two on PostgreSQL, instancesOn),
 * request i going to instance i mod their number, and its keys. `put` sets a year's interest-subsidy
 * budget (`path`: '' province-wide, '/qujing'…) as finance; `submit` posts an application with its
 * own enterprise's key (A or B) and a fresh Idempotency-Key.
 */
export const callersOn = async (t: Test, database: DatabaseHandle) => {
  const apps = await instancesOn(t, database)
  const app = (i: number) => apps[i % apps.length]!
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  return {
    apps,
    app,
    keys,
    finance,
    put: (i: number, year: number, path: string, amount: string) =>
      app(i).inject({
        method: 'PUT',
        url: `/v1/budgets/${year}/interest-subsidy${path}`,
        headers: finance,
        payload: { amount },
      }),
    submit: (i: number, facts: Application) =>
      app(i).inject({
        method: 'POST',
        url: '/v1/applications',
        headers: {
          ...bearer(facts.enterprise.creditCode === ENTERPRISE_A ? keys.enterpriseA : keys.enterpriseB),
          'idempotency-key': crypto.randomUUID(),
        },
        payload: facts,
      }),
  }
}

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
