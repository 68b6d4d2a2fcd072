// Budget pools (POLICY.md §3, our addition): the finance bureau sets a year's budget per measure
// (province-wide, or for one prefecture); auditors and finance read them with what was drawn and
// what waits. Setting a higher amount funds the queue in submission order (src/decisions/budgets.ts).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { BudgetBelowDrawn, type BudgetSubject, listBudgets } from '../db/budget-repository.ts'
import { DEFAULT_FUNDING_CHUNK, setBudget } from '../decisions/budgets.ts'
import type { MeasureId } from '../engine/types.ts'
import { callerOf } from '../plugins/auth.ts'
import { HttpProblem } from '../plugins/problems.ts'
import {
  BudgetBody,
  BudgetList,
  BudgetParams,
  BudgetSetResult,
  BudgetsQuery,
  PrefectureBudgetParams,
} from '../schemas/budgets.ts'
import { problemResponses } from '../schemas/problem.ts'

const DESCRIPTION =
  'Sets the amount of a budget pool (POLICY.md §3). Approvals of stored applications draw it in ' +
  'submission order inside their decision transaction; once it is spent, further eligible outcomes ' +
  'are `unfunded` (amount due, nothing paid) and wait in its queue. The budget year is the application ' +
  "date's year; a prefecture's budget, when set, pays that prefecture's applications instead of the " +
  'province-wide one; an amount the remainder cannot cover wholly is wholly unfunded. Raising the ' +
  'amount funds the queue in submission order, as corrections that supersede the queued decisions, in ' +
  `chunks of ${DEFAULT_FUNDING_CHUNK}, each its own transaction (the change commits with the first); ` +
  'after a failure between ' +
  'chunks the same PUT again resumes the funding where it stopped, never funding an outcome twice. ' +
  'Every change is audited (entity budget-change). An amount below what was already drawn is 409.'

const budgets: FastifyPluginAsyncTypebox = async (app) => {
  const put = async (
    subject: BudgetSubject,
    body: { amount: string; note?: string },
    caller: ReturnType<typeof callerOf>,
  ) => {
    try {
      const result = await setBudget(app.database.db, caller, subject, body.amount, body.note ?? null)
      return {
        budget: result.budget,
        change: result.change && {
          id: result.change.id,
          amount: result.change.amount,
          previousAmount: result.change.previousAmount,
          note: result.change.note,
        },
        funded: result.funded,
      }
    } catch (error) {
      if (!(error instanceof BudgetBelowDrawn)) throw error
      throw new HttpProblem({
        type: '/problems/budget-below-drawn',
        title: 'Conflict',
        status: 409,
        detail: {
          zh: `金额${error.amount}低于该预算已拨付的${error.drawn}。`,
          en: `The amount ${error.amount} is below what approvals already drew from this budget, ${error.drawn}.`,
        },
        errors: [
          {
            detail: { zh: `不得低于${error.drawn}`, en: `must be at least ${error.drawn}` },
            pointer: '#/amount',
          },
        ],
      })
    }
  }

  const schema = {
    tags: ['budgets'],
    description: DESCRIPTION,
    security: [{ apiKey: [] }],
    body: BudgetBody,
    response: { 200: BudgetSetResult, ...problemResponses(400, 401, 403, 409, 503) },
  }

  // A top-up funds the whole queue before it answers (a correction per funded outcome, in chunks of
  // their own transactions), which can take longer than CONNECTION_TIMEOUT_MS of silence: Node would then cut the socket, and the
  // bureau would see no answer to a change that may well commit. The answer waits for the funding
  // instead; the database's statement and lock timeouts still bound every statement of it.
  // (An injected request — tests — has no real socket to set.)
  const waitForFunding = (request: FastifyRequest) => {
    const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined
    if (typeof socket?.setTimeout === 'function') socket.setTimeout(0)
  }

  app.put(
    '/v1/budgets/:year/:measure',
    {
      preHandler: app.requireRole('finance'),
      schema: { ...schema, summary: "Set a measure's province-wide budget for a year", params: BudgetParams },
    },
    async (request) => {
      waitForFunding(request)
      return put(
        {
          ledger: 'budget',
          year: Number(request.params.year),
          measure: request.params.measure as MeasureId,
          prefecture: null,
        },
        request.body,
        callerOf(request),
      )
    },
  )

  app.put(
    '/v1/budgets/:year/:measure/:prefecture',
    {
      preHandler: app.requireRole('finance'),
      schema: {
        ...schema,
        summary: "Set a measure's budget for one prefecture and year",
        params: PrefectureBudgetParams,
      },
    },
    async (request) => {
      waitForFunding(request)
      return put(
        {
          ledger: 'budget',
          year: Number(request.params.year),
          measure: request.params.measure as MeasureId,
          prefecture: request.params.prefecture,
        },
        request.body,
        callerOf(request),
      )
    },
  )

  app.get(
    '/v1/budgets',
    {
      preHandler: app.requireRole('finance', 'auditor'),
      schema: {
        tags: ['budgets'],
        summary: 'Budgets with what was drawn and what waits',
        description:
          'Every budget pool (of `year`, or of every year): amount, drawn, remaining, and the queue of unfunded outcomes (count and amount due).',
        security: [{ apiKey: [] }],
        querystring: BudgetsQuery,
        response: { 200: BudgetList, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => ({
      budgets: await listBudgets(
        app.database.db,
        request.query.year === undefined ? null : Number(request.query.year),
      ),
    }),
  )
}

export default budgets
