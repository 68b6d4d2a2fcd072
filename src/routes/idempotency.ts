// The Idempotency-Key flow every storing POST shares (IETF httpapi "The Idempotency-Key HTTP Header
// Field"): claim the key, replay a stored response byte for byte, refuse a key reused with another
// body (422) or still in progress (409), and complete the key in the same transaction as the work,
// so a stored response can never disagree with stored data.
//
// A claim is a lease (IDEMPOTENCY_LEASE_SECONDS), renewed while the work runs: if the process dies,
// the client's retry reclaims the key once the lease has run out instead of getting 409 until the
// key expires. If a slow request lost its claim that way, completing fails (ClaimLostError) and
// its transaction rolls back: the work is stored once, by the retry.

import type { FastifyReply } from 'fastify'
import type { Kysely } from 'kysely'
import type { KeyCompletion } from '../db/decisions-repository.ts'
import { ClaimLostError, claimKey, releaseKey, renewLease } from '../db/idempotency-repository.ts'
import { TransientDatabaseError } from '../db/retry.ts'
import type { Database } from '../db/schema.ts'
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

const inProgress = (leaseLeftSeconds: number) =>
  new HttpProblem(
    {
      type: '/problems/idempotency-in-progress',
      title: 'Conflict',
      status: 409,
      detail: {
        zh: `使用此 Idempotency-Key 的请求仍在处理中。请稍后重试以获取其响应（若处理它的进程已停止，该密钥将在 ${leaseLeftSeconds} 秒内释放）。`,
        en:
          'A request with this Idempotency-Key is still being processed. Retry later for its response ' +
          `(if the process handling it stopped, the key is free again within ${leaseLeftSeconds} s).`,
      },
    },
    { 'retry-after': '1' },
  )

/**
 * Sends a response body exactly as it was stored, so a replayed idempotent response is
 * byte-identical to the first one (no second serialisation).
 */
const sendStored = (reply: unknown, status: number, body: string) =>
  (reply as FastifyReply)
    .code(status)
    .type('application/json; charset=utf-8')
    .serializer((s: unknown) => s as string)
    .send(body)

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
 * Runs `work` once per key. `work` stores what it does and, in the same transaction, completes the
 * claim it is given with the response body (store_decision does both in one statement); the body is
 * then sent, and replayed for later requests.
 */
export const idempotently = async (
  request: IdempotentRequest,
  work: (claim: Omit<KeyCompletion, 'body'>) => Promise<string>,
) => {
  const { db, callerKeyId, key, requestHash, status } = request
  const { server, log } = (request.reply as FastifyReply).request
  const lease = server.idempotencyLeaseSeconds
  const claim = await claimKey(db, callerKeyId, key, requestHash, lease)
  if (claim.state === 'done') return sendStored(request.reply, claim.status, claim.body)
  if (claim.state === 'in-progress') throw inProgress(claim.retryAfterSeconds)
  if (claim.state === 'mismatch') {
    throw new HttpProblem({
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
  }
  // Renewed while the work runs, so only a crashed process's claim runs out. A failed renewal is
  // not fatal: completing checks the claim.
  const renewal = setInterval(
    () =>
      void renewLease(db, callerKeyId, key, claim.token, lease).catch((err: unknown) =>
        log.warn({ err }, 'renewing the idempotency lease failed'),
      ),
    (lease * 1000) / 3,
  )
  try {
    const body = await work({ callerKeyId, key, token: claim.token, status })
    return sendStored(request.reply, status, body)
  } catch (error) {
    // Give the key back now so the client's retry need not wait for the lease. With the database
    // unreachable this fails too, and the lease running out frees the key instead. A key whose
    // transaction did commit (a connection cut during COMMIT) is "done" and stays.
    await releaseKey(db, callerKeyId, key, claim.token).catch((err: unknown) =>
      log.warn({ err }, 'releasing the idempotency key failed; its lease will free it'),
    )
    if (error instanceof TransientDatabaseError) throw unavailable(error)
    // A retry took the key over after our lease ran out: it does the work; we stored nothing.
    if (error instanceof ClaimLostError) throw inProgress(1)
    throw error
  } finally {
    clearInterval(renewal)
  }
}
