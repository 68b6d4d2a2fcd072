// Budget pools (POLICY.md §3, our addition): the finance bureau sets a year's budget per measure
// (province-wide, or for one prefecture); auditors and finance read them with what was drawn and
// what waits. Setting a higher amount funds the queue in submission order (src/decisions/budgets.ts).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import {
  BudgetBelowDrawn,
  type BudgetSubject,
  findBudget,
  listBudgets,
  PrefectureOutcomesWaiting,
} from '../db/budget-repository.ts'
import { changeBudget, DEFAULT_FUNDING_CHUNK } from '../decisions/budgets.ts'
import { subjectKey } from '../engine/ledgers.ts'
import { prefecture } from '../engine/prefectures.ts'
import type { MeasureId } from '../engine/types.ts'
import { callerOf } from '../plugins/auth.ts'
import { HttpProblem } from '../plugins/problems.ts'
import {
  Budget,
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
  `chunks of ${DEFAULT_FUNDING_CHUNK} corrections, each its own transaction. The answer comes after the ` +
  'first chunk, which commits the new amount: `funded` lists what it funded, and when more of the queue ' +
  'remains a job continues the funding, chunk after chunk, in submission order — `budget.funding` says ' +
  'it is in progress and how many queued outcomes it has still to fund (GET /v1/budgets shows the same ' +
  'while it runs). A job killed or failed mid-queue is resumed (retried, or sent again by the sweep; on ' +
  'the embedded database at the next start), and the same PUT again resumes it too; no outcome is ' +
  'funded twice. Every change is audited (entity budget-change). An amount below what was already ' +
  "drawn is 409; so is creating a prefecture's budget while outcomes of its applications wait in the " +
  'province-wide queue (fund them province-wide first).'

/** The budget a route's address names (a prefecture's, or the province-wide one without). */
const subjectOf = (params: { year: string; measure: string; prefecture?: string }): BudgetSubject => ({
  ledger: 'budget',
  year: Number(params.year),
  measure: params.measure as MeasureId,
  prefecture: params.prefecture ?? null,
})

const budgets: FastifyPluginAsyncTypebox<{ fundingChunk: number }> = async (app, options) => {
  const put = async (
    request: FastifyRequest,
    subject: BudgetSubject,
    body: { amount: string; note?: string },
    caller: ReturnType<typeof callerOf>,
  ) => {
    try {
      const db = app.database.db
      const result = await changeBudget(db, caller, subject, body.amount, body.note ?? null, {
        chunkOutcomes: options.fundingChunk,
      })
      // The rest of the queue: the funding job's. Its record is committed, so a failure to send
      // the job loses nothing: the sweep (or the next start, on PGlite) sends it.
      if (result.more)
        await app.batchQueue
          .fundBudget(subjectKey(subject))
          .catch((err: unknown) => request.log.warn({ err }, 'could not queue the budget funding'))
      const budget = await findBudget(db, subject)
      return {
        budget: budget!,
        change: result.change && {
          id: result.change.id,
          amount: result.change.amount,
          previousAmount: result.change.previousAmount,
          note: result.change.note,
        },
        funded: result.funded,
      }
    } catch (error) {
      if (error instanceof PrefectureOutcomesWaiting)
        throw new HttpProblem({
          type: '/problems/budget-prefecture-outcomes-waiting',
          title: 'Conflict',
          status: 409,
          detail: {
            zh: `${error.count}项${prefecture(error.prefecture)?.zh ?? error.prefecture}申请的结果（应付${error.amount}）正在全省预算队列中等待；请先追加全省预算予以拨付，再设立该州市预算。`,
            en: `${error.count} outcomes of ${prefecture(error.prefecture)?.en ?? error.prefecture}'s applications (${error.amount} due) wait in the province-wide budget's queue: fund them with a province-wide top-up first, then set this prefecture's budget.`,
          },
        })
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

  // A top-up answers after its first chunk (up to DEFAULT_FUNDING_CHUNK corrections, a few seconds),
  // which under load can come close to CONNECTION_TIMEOUT_MS of silence: Node would then cut the
  // socket, and the bureau would see no answer to a change that may well commit. The answer waits
  // for the chunk instead; the database's statement and lock timeouts still bound every statement.
  // (An injected request — tests — has no real socket to set.)
  const waitForFunding = (request: FastifyRequest) => {
    const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined
    if (typeof socket?.setTimeout === 'function') socket.setTimeout(0)
  }

  app.put(
    '/v1/budgets/:year/:measure',
    {
      preValidation: app.requireRole('finance'),
      schema: { ...schema, summary: "Set a measure's province-wide budget for a year", params: BudgetParams },
    },
    async (request) => {
      waitForFunding(request)
      return put(request, subjectOf(request.params), request.body, callerOf(request))
    },
  )

  app.put(
    '/v1/budgets/:year/:measure/:prefecture',
    {
      preValidation: app.requireRole('finance'),
      schema: {
        ...schema,
        summary: "Set a measure's budget for one prefecture and year",
        params: PrefectureBudgetParams,
      },
    },
    async (request) => {
      waitForFunding(request)
      return put(request, subjectOf(request.params), request.body, callerOf(request))
    },
  )

  // One budget at the address it was set at (a clerk who PUT it GETs it there); none set is 404.
  const one = async (subject: BudgetSubject) => {
    const budget = await findBudget(app.database.db, subject)
    if (budget) return budget
    const where =
      subject.prefecture === null
        ? { zh: '全省', en: 'province-wide' }
        : {
            zh: prefecture(subject.prefecture)?.zh ?? subject.prefecture,
            en: `for ${prefecture(subject.prefecture)?.en ?? subject.prefecture}`,
          }
    throw new HttpProblem({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: {
        zh: `${subject.year}年度未设立${subject.measure}的${where.zh}预算（PUT 同一地址设立）。`,
        en: `No ${subject.year} budget of ${subject.measure} ${where.en} is set (PUT to this address sets one).`,
      },
    })
  }
  const readSchema = (summary: string) => ({
    tags: ['budgets'],
    summary,
    description:
      'The budget set at this address: amount, drawn, remaining, its queue of unfunded outcomes (count and amount due), and the funding of a top-up still in progress. 404 when none is set (GET /v1/budgets lists every one).',
    security: [{ apiKey: [] }],
    response: { 200: Budget, ...problemResponses(400, 401, 403, 404) },
  })

  app.get(
    '/v1/budgets/:year/:measure',
    {
      preValidation: app.requireRole('finance', 'auditor'),
      schema: { ...readSchema("A measure's province-wide budget for a year"), params: BudgetParams },
    },
    async (request) => one(subjectOf(request.params)),
  )

  app.get(
    '/v1/budgets/:year/:measure/:prefecture',
    {
      preValidation: app.requireRole('finance', 'auditor'),
      schema: {
        ...readSchema("A measure's budget for one prefecture and year"),
        params: PrefectureBudgetParams,
      },
    },
    async (request) => one(subjectOf(request.params)),
  )

  app.get(
    '/v1/budgets',
    {
      preValidation: app.requireRole('finance', 'auditor'),
      schema: {
        tags: ['budgets'],
        summary: 'Budgets with what was drawn and what waits',
        description:
          'Every budget pool (of `year`, or of every year): amount, drawn, remaining, the queue of unfunded outcomes (count and amount due), and the funding of a top-up still in progress (how many queued outcomes it has still to fund).',
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
