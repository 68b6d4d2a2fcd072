// The auditor's side of the audit trail (roles auditor and finance):
//   GET /v1/audit/entries     the entries, filtered, keyset-paginated on seq
//   GET /v1/audit/checkpoint  size, RFC 6962 Merkle root and head hash: keep it outside the system
//   GET /v1/audit/verify      recompute the chain and the entity hashes; with an earlier checkpoint,
//                             prove the log only grew since
// Each reads one REPEATABLE READ snapshot, so writers appending meanwhile cannot make a sound log
// look broken. `npm run audit:verify` runs the same verification without this service.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { currentCheckpoint, verifyAudit } from '../audit/verify.ts'
import { type AuditFilters, listEntries, MAX_PAGE_SIZE } from '../db/audit-repository.ts'
import type { Executor } from '../db/executor.ts'
import { badParameter, checkRange, HttpProblem } from '../plugins/problems.ts'
import {
  AuditCheckpoint,
  AuditEntriesPage,
  AuditEntriesQuery,
  AuditVerification,
  AuditVerifyQuery,
} from '../schemas/audit.ts'
import { problemResponses } from '../schemas/problem.ts'

const DEFAULT_PAGE_SIZE = 100

const optionalNumber = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value)

/** from_seq ≥ 1 and from_seq ≤ to_seq, when given. */
const seqRange = (query: { from_seq?: string; to_seq?: string }) => {
  const fromSeq = optionalNumber(query.from_seq)
  const toSeq = optionalNumber(query.to_seq)
  if (fromSeq !== undefined && fromSeq < 1)
    throw badParameter('from_seq', { zh: '必须至少为 1', en: 'must be at least 1' })
  if (fromSeq !== undefined && toSeq !== undefined && toSeq < fromSeq) {
    throw badParameter('to_seq', { zh: '不得小于 from_seq', en: 'must not be less than from_seq' })
  }
  return { fromSeq, toSeq }
}

const audit: FastifyPluginAsyncTypebox = async (app) => {
  const preValidation = app.requireRole('auditor', 'finance')
  const snapshot = <T>(work: (trx: Executor) => Promise<T>): Promise<T> =>
    app.database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(work)

  app.get(
    '/v1/audit/entries',
    {
      preValidation,
      schema: {
        tags: ['audit'],
        security: [{ apiKey: [] }],
        summary: 'List audit entries, oldest first',
        description:
          'Filters combine (AND). Pages are keyset-paginated on seq: pass next_cursor as `cursor` until ' +
          'it is null. Each entry is returned exactly as hashed, so its entry_hash can be recomputed.',
        querystring: AuditEntriesQuery,
        response: { 200: AuditEntriesPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query
      const { fromSeq, toSeq } = seqRange(q)
      const limit = optionalNumber(q.limit) ?? DEFAULT_PAGE_SIZE
      if (limit < 1 || limit > MAX_PAGE_SIZE)
        throw badParameter('limit', {
          zh: `必须在 1 至 ${MAX_PAGE_SIZE} 之间`,
          en: `must be 1 to ${MAX_PAGE_SIZE}`,
        })
      const instant = (name: 'from' | 'to'): string | undefined => {
        const value = q[name]
        if (value === undefined) return undefined
        const time = new Date(value)
        if (Number.isNaN(time.getTime()))
          throw badParameter(name, { zh: '必须是 ISO 8601 日期时间', en: 'must be an ISO 8601 date-time' })
        // The stored `at` reads back as Date#toISOString text: normalise to that same form.
        return time.toISOString()
      }
      const entity = (value: string): AuditFilters['entity'] => {
        const colon = value.indexOf(':')
        return colon < 0 ? { type: value } : { type: value.slice(0, colon), id: value.slice(colon + 1) }
      }
      const from = instant('from')
      const to = instant('to')
      checkRange(from, to)
      const filters: AuditFilters = {
        fromSeq,
        toSeq,
        entity: q.entity === undefined ? undefined : entity(q.entity),
        actorKeyId: q.actor,
        action: q.action,
        from,
        to,
      }
      const page = await listEntries(app.database.db, filters, {
        afterSeq: optionalNumber(q.cursor) ?? 0,
        limit,
      })
      return {
        entries: page.entries,
        next_cursor: page.nextAfterSeq === null ? null : String(page.nextAfterSeq),
      }
    },
  )

  app.get(
    '/v1/audit/checkpoint',
    {
      preValidation,
      schema: {
        tags: ['audit'],
        security: [{ apiKey: [] }],
        summary: 'The current length, Merkle root and head hash of the audit log',
        description:
          'root is the RFC 6962 Merkle tree hash over the entry hashes 1..size. Keep the checkpoint ' +
          'outside the system; GET /v1/audit/verify with it later proves that nothing in those entries ' +
          'changed and returns a consistency proof to the log as it is then.',
        response: { 200: AuditCheckpoint, ...problemResponses(401, 403, 500) },
      },
    },
    async () => {
      const result = await snapshot((trx) => currentCheckpoint(trx))
      if (!result.ok) {
        // Certifying a broken log would make an auditor keep a forged checkpoint.
        throw new HttpProblem({
          type: '/problems/audit-log-inconsistent',
          title: 'The audit log is inconsistent',
          status: 500,
          detail: {
            zh: `${result.detail.zh}GET /v1/audit/verify 会指出问题所在。`,
            en: `${result.detail.en} GET /v1/audit/verify says where.`,
          },
        })
      }
      return result.checkpoint
    },
  )

  app.get(
    '/v1/audit/verify',
    {
      preValidation,
      schema: {
        tags: ['audit'],
        security: [{ apiKey: [] }],
        summary: 'Recompute the hash chain and entity hashes; check an earlier checkpoint',
        description:
          'Reports the first bad seq. Entity hashes are compared for the latest entry of each entity ' +
          '(a row holds its state after its last change). With size, root and head_hash of an earlier ' +
          'checkpoint, verification covers seq 1 to at least its size, `checkpoint.consistent` says ' +
          'whether the log only grew since, and `checkpoint.consistency_proof` lets you check that offline.',
        querystring: AuditVerifyQuery,
        response: { 200: AuditVerification, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query
      const { fromSeq, toSeq } = seqRange(q)
      const parts = { size: q.size, root: q.root, head_hash: q.head_hash }
      const given = Object.entries(parts).filter(([, v]) => v !== undefined)
      if (given.length > 0 && given.length < 3) {
        const missing = Object.keys(parts).find((k) => parts[k as keyof typeof parts] === undefined)!
        throw badParameter(missing, {
          zh: '检查点须同时给出 size、root 和 head_hash',
          en: 'a checkpoint needs size, root and head_hash together',
        })
      }
      const checkpoint =
        given.length === 3 ? { size: Number(q.size), root: q.root!, head_hash: q.head_hash! } : undefined
      return snapshot((trx) => verifyAudit(trx, { fromSeq, toSeq, checkpoint }))
    },
  )
}

export default audit
