// Rate limits (@fastify/rate-limit, in-process store): per API key for authenticated requests, per
// client IP for anonymous ones, and failed authentications per client IP on their own counter —
// a guessed key is a new "key" every time, so only the IP can hold guessing back.
// A limited request gets 429 with Retry-After and the IETF draft RateLimit-* headers
// (draft-ietf-httpapi-ratelimit-headers, the plugin's enableDraftSpec) and an RFC 9457 body.
//
// Hook order matters: the auth plugin's onRequest hook is global and runs before the route-level
// onRequest hook this plugin adds to every route, so the limiter already knows the caller.
// The store is per process: N instances allow N × the limit (a shared store is a Redis away).

import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Limits } from '../config.ts'
import type { Text } from '../i18n/language.ts'
import { HttpProblem } from './problems.ts'

export interface LimitState {
  /** the counter is over its maximum */
  exceeded: boolean
  /** seconds until the window of this counter ends */
  retryAfterSeconds: number
}

declare module 'fastify' {
  interface FastifyInstance {
    /** failed authentications of this client IP: `count` adds one, `peek` only reads */
    authFailures: {
      peek: (request: FastifyRequest) => Promise<LimitState>
      count: (request: FastifyRequest) => Promise<LimitState>
    }
  }
}

export const tooManyRequests = (retryAfterSeconds: number, detail: Text) =>
  new HttpProblem(
    {
      type: '/problems/too-many-requests',
      title: 'Too Many Requests',
      status: 429,
      detail: {
        zh: `${detail.zh}请在 ${retryAfterSeconds} 秒后重试。`,
        en: `${detail.en} Retry after ${retryAfterSeconds} s.`,
      },
    },
    { 'retry-after': String(retryAfterSeconds) },
  )

export default fp(
  async (app: FastifyInstance, limits: Limits) => {
    const perCaller = (request: FastifyRequest) =>
      request.caller ? limits.rateLimitPerKey : limits.rateLimitAnonymous

    await app.register(rateLimit, {
      global: true,
      timeWindow: limits.rateLimitWindowMs,
      enableDraftSpec: true,
      keyGenerator: (request) => (request.caller ? `key:${request.caller.keyId}` : `ip:${request.ip}`),
      max: (request) => perCaller(request),
      // 0 turns a limit off; probes of /health must never be refused by a limit.
      allowList: (request) => perCaller(request) === 0 || request.url.startsWith('/health/'),
      errorResponseBuilder: (request, context) =>
        tooManyRequests(
          Math.max(1, Math.ceil(context.ttl / 1000)),
          request.caller
            ? {
                zh: `该 API 密钥在 ${limits.rateLimitWindowMs / 1000} 秒内的请求超过了 ${context.max} 次。`,
                en: `This API key made more than ${context.max} requests in ${limits.rateLimitWindowMs / 1000} s.`,
              }
            : {
                zh: `来自您地址的无密钥请求在 ${limits.rateLimitWindowMs / 1000} 秒内超过了 ${context.max} 次。`,
                en: `More than ${context.max} requests without an API key came from your address in ${limits.rateLimitWindowMs / 1000} s.`,
              },
        ),
    })

    const failures = app.createRateLimit({
      timeWindow: limits.rateLimitWindowMs,
      max: Math.max(1, limits.rateLimitAuthFailures),
      keyGenerator: (request) => `auth-failure:${request.ip}`,
      allowList: () => limits.rateLimitAuthFailures === 0,
    })
    const state = async (request: FastifyRequest, increment: boolean): Promise<LimitState> => {
      const r = await failures(request, { increment })
      if (r.isAllowed) return { exceeded: false, retryAfterSeconds: 0 }
      // A peek is "exceeded" once the maximum is reached: the next guess would be one too many.
      const exceeded = increment ? r.isExceeded : r.remaining === 0
      return { exceeded, retryAfterSeconds: Math.max(1, r.ttlInSeconds) }
    }
    app.decorate('authFailures', {
      peek: (request: FastifyRequest) => state(request, false),
      count: (request: FastifyRequest) => state(request, true),
    })
  },
  { name: 'rate-limits', dependencies: ['problems'] },
)
