// The Idempotency-Key flow every storing POST shares (IETF httpapi "The Idempotency-Key HTTP Header
// Field"): replay a stored response byte for byte, refuse a key reused with another body (422), and
// claim and complete the key in the same transaction, the same statement, as the work
// (store_decision), so a stored response can never disagree with stored data and a crash leaves no
// key behind (the claim rolls back with the rest; the client's retry is decided afresh, once).
//
// A fresh key costs nothing before the work. When the key is taken — answered already, or being
// answered by a concurrent request, which the database makes this one wait for — the work rolls
// back (KeyTakenError) and the key's row answers: its stored response, or 422 for another body.
// From migration 2026-12-03T1700 the key stores what its response shows (the decision, explain, the
// language) instead of the body, and the response is rendered again from the stored rows: the first
// response is rendered from the values as jsonb gives them back (src/db/jsonb-order.ts), so both
// are the same bytes.

import type { FastifyReply } from 'fastify'
import type { Kysely } from 'kysely'
import type { KeyCompletion } from '../db/decisions-repository.ts'
import { findKey, KeyTakenError } from '../db/idempotency-repository.ts'
import { TransientDatabaseError } from '../db/retry.ts'
import type { Database } from '../db/schema.ts'
import { renderStoredResponse } from '../decisions/present.ts'
import type { Language } from '../i18n/language.ts'
import { HttpProblem } from '../plugins/problems.ts'

export const unavailable = (error: TransientDatabaseError) =>
  new HttpProblem(
    {
      type: '/problems/busy',
      title: 'Service Unavailable',
      status: 503,
      detail: {
        zh: `该请求争用相同台账行 ${error.attempts} 次均未成功，未保存任何数据。请重试。`,
        en: `The request lost ${error.attempts} races for the same ledger rows; nothing was stored. Retry it.`,
      },
    },
    { 'retry-after': '1' },
  )

const inProgress = (retryAfterSeconds: number) =>
  new HttpProblem(
    {
      type: '/problems/idempotency-in-progress',
      title: 'Conflict',
      status: 409,
      detail: {
        zh: `使用此 Idempotency-Key 的请求仍在处理中。请稍后重试以获取其响应（若处理它的进程已停止，该密钥将在 ${retryAfterSeconds} 秒内释放）。`,
        en:
          'A request with this Idempotency-Key is still being processed. Retry later for its response ' +
          `(if the process handling it stopped, the key is free again within ${retryAfterSeconds} s).`,
      },
    },
    { 'retry-after': String(retryAfterSeconds) },
  )

const reused = () =>
  new HttpProblem({
    type: '/problems/idempotency-key-reused',
    title: 'Unprocessable Content',
    status: 422,
    detail: {
      zh: '此 Idempotency-Key 已用于另一个请求体。',
      en: 'This Idempotency-Key was used with a different request body.',
    },
    errors: [
      {
        detail: { zh: '已用于另一个请求体', en: 'was used with a different body' },
        header: 'Idempotency-Key',
      },
    ],
  })

/**
 * The language a stored body is written in, when it holds language-dependent text: an explained
 * decision says it ("traceLanguage", src/decisions/present.ts). The sequence can only be that member:
 * inside a JSON string its quotes would be escaped, and the facts admit no unknown member. A summary
 * holds no language-dependent text (null: the request's language stands).
 */
const STORED_LANGUAGE = /"traceLanguage":"(zh-CN|en)"/
export const storedLanguage = (body: string): Language | null =>
  (STORED_LANGUAGE.exec(body)?.[1] as Language | undefined) ?? null

/** A stored application's id: its first member (StoredApplication, src/schemas/applications.ts). */
const STORED_ID = /^\{"id":"([0-9a-f-]{36})"/

/**
 * Sends a response body exactly as it was stored, so a replayed idempotent response is
 * byte-identical to the first one (no second serialisation); Content-Language names the language
 * it was written in (the first request's), not the retry's.
 */
const sendStored = (reply: unknown, status: number, body: string, replayed: boolean) => {
  const r = reply as FastifyReply
  // A fresh body is in the request's language already: only a replay is looked at.
  const language = replayed ? storedLanguage(body) : null
  if (language !== null) r.request.language = language
  // 201 Created names what it created (RFC 9110 §15.3.2): the application, the body's first member.
  const created = status === 201 ? STORED_ID.exec(body)?.[1] : undefined
  if (created !== undefined) r.header('location', `/v1/applications/${created}`)
  return r
    .code(status)
    .type('application/json; charset=utf-8')
    .serializer((s: unknown) => s as string)
    .send(body)
}

export interface IdempotentRequest {
  db: Kysely<Database>
  reply: unknown
  callerKeyId: string
  key: string
  /** the hash of what the request asks for: the same key with another hash is refused */
  requestHash: string
  /** the status of a successful response */
  status: number
}

/**
 * Runs `work` once per key. `work` stores what it does and, in the same statement, claims and
 * completes the key with the response body (the `KeyCompletion` it is given, plus the body); the
 * body is then sent, and replayed for later requests.
 *
 * When the work fails because the key is taken, or refuses the request itself (an HttpProblem, e.g.
 * a correction of a decision this very key already superseded), the key's row is read: a stored
 * response to the same request is replayed instead.
 */
export const idempotently = async (
  request: IdempotentRequest,
  work: (key: Omit<KeyCompletion, 'body'>) => Promise<string>,
) => {
  const { db, callerKeyId, key, requestHash, status } = request
  try {
    const body = await work({ callerKeyId, key, requestHash, status })
    return sendStored(request.reply, status, body, false)
  } catch (error) {
    if (error instanceof TransientDatabaseError) throw unavailable(error)
    if (!(error instanceof KeyTakenError || error instanceof HttpProblem)) throw error
    const stored = await findKey(db, callerKeyId, key)
    if (stored === null) {
      // Taken, then gone (expired and purged in between): the client's retry decides afresh.
      if (error instanceof KeyTakenError) throw inProgress(1)
      throw error
    }
    if (stored.requestHash !== requestHash) throw reused()
    if (stored.state === 'in-progress') throw inProgress(stored.retryAfterSeconds)
    if ('replay' in stored) {
      // Rendered again from the stored decision, in the first request's language. An explained body
      // holds language-dependent text, so its Content-Language names that language (the language
      // plugin's onSend reads request.language); a summary holds none and keeps the retry's.
      const body = await renderStoredResponse(db, stored.replay)
      return sendStored(request.reply, stored.status, body, true)
    }
    // Stored before T1700: the body itself.
    return sendStored(request.reply, stored.status, stored.body, true)
  }
}
