// Authentication by API key (Authorization: Bearer yik_…) and role checks.
// - no key, malformed key, unknown or revoked key → 401 (with WWW-Authenticate)
// - a valid key whose role may not use the route → 403
// - an enterprise asking for another enterprise's resource → 404, never 403 (routes use
//   `visibleTo`), so nothing leaks about what exists.
// Routes that any caller may use (evaluation, reference data) still reject a *bad* key.
// Failed authentications count per client IP (src/plugins/rate-limits.ts): past the limit, every
// request of that IP with a key is 429 before the key is even looked up, so guessing stops paying.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type Caller, parseApiKey, type Role, secretMatches } from '../auth/api-keys.ts'
import { findKeyByPrefix } from '../db/keys-repository.ts'
import type { Text } from '../i18n/language.ts'
import { HttpProblem } from './problems.ts'
import { tooManyRequests } from './rate-limits.ts'

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null
  }
  interface FastifyInstance {
    /** preHandler: the caller must present a valid key with one of these roles */
    requireRole: (...roles: Role[]) => (request: FastifyRequest) => Promise<void>
  }
}

/**
 * 401 with its challenge (RFC 6750 §3): with no key, the scheme and realm; with a key that is
 * malformed, unknown or revoked, error="invalid_token" too (§3.1), so a client can tell the two apart.
 */
const unauthorized = (detail: Text, invalidToken = false) =>
  new HttpProblem(
    { type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail },
    {
      'www-authenticate': invalidToken
        ? 'Bearer realm="incentives", error="invalid_token"'
        : 'Bearer realm="incentives"',
    },
  )

const tooManyAttempts = (retryAfterSeconds: number) =>
  tooManyRequests(retryAfterSeconds, {
    zh: '来自您地址的未知、格式错误或已吊销的 API 密钥请求过多。',
    en: 'Too many requests with an unknown, malformed or revoked API key came from your address.',
  })

export default fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('caller', null)

    const authenticate = async (request: FastifyRequest, header: string): Promise<void> => {
      const blocked = await app.authFailures.peek(request)
      if (blocked.exceeded) throw tooManyAttempts(blocked.retryAfterSeconds)
      const fail = async (detail: Text) => {
        const after = await app.authFailures.count(request)
        return after.exceeded ? tooManyAttempts(after.retryAfterSeconds) : unauthorized(detail, true)
      }
      const m = /^Bearer\s+(\S+)$/i.exec(header)
      const parsed = m ? parseApiKey(m[1]!) : null
      if (!parsed)
        throw await fail({
          zh: 'Authorization 请求头必须是 "Bearer <API 密钥>"。',
          en: 'The Authorization header must be "Bearer <API key>".',
        })
      const row = await findKeyByPrefix(app.database.db, parsed.prefix)
      if (!row || !secretMatches(parsed.secret, row.secret_hash))
        throw await fail({ zh: '未知的 API 密钥。', en: 'Unknown API key.' })
      if (row.revoked_at)
        throw await fail({ zh: '该 API 密钥已被吊销。', en: 'This API key has been revoked.' })
      request.caller = { keyId: row.id, role: row.role, enterprise: row.enterprise_credit_code }
    }

    // Callback style: a request without a key (most evaluations) costs no promise; one with a key
    // is authenticated before the next hook runs, and its error is the request's.
    app.addHook('onRequest', (request, _reply, done) => {
      const header = request.headers.authorization
      if (header === undefined) return done()
      authenticate(request, header).then(() => done(), done)
    })

    app.decorate('requireRole', (...roles: Role[]) => async (request: FastifyRequest) => {
      if (!request.caller)
        throw unauthorized({
          zh: '该接口需要 API 密钥：Authorization: Bearer <API 密钥>。',
          en: 'This route needs an API key: Authorization: Bearer <API key>.',
        })
      if (!roles.includes(request.caller.role)) {
        throw new HttpProblem({
          type: '/problems/forbidden',
          title: 'Forbidden',
          status: 403,
          detail: {
            zh: `该接口仅限以下角色：${roles.join('、')}；您的密钥角色为 ${request.caller.role}。`,
            en: `This route is for the roles: ${roles.join(', ')}; your key's role is ${request.caller.role}.`,
          },
        })
      }
    })
  },
  { name: 'auth', dependencies: ['problems', 'rate-limits'] },
)

/** The caller, after requireRole ran. */
export const callerOf = (request: FastifyRequest): Caller => {
  if (!request.caller) throw new Error('callerOf used on a route without requireRole')
  return request.caller
}

/** Whether the caller may see a resource of this enterprise (enterprise keys see only their own). */
export const visibleTo = (caller: Caller, enterpriseCreditCode: string): boolean =>
  caller.role !== 'enterprise' || caller.enterprise === enterpriseCreditCode
