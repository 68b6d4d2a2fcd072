// Response headers a browser or a shared cache relies on:
// - Helmet's headers: X-Content-Type-Options: nosniff, frame and referrer policies, HSTS, and one
//   Content-Security-Policy for everything we serve. They are the same for every response, so they
//   are computed once, at startup, by Helmet itself (its middleware run on a recording response),
//   and set by one hook: @fastify/helmet rebuilt the middleware, parsed the CSP directives and
//   made two closures on every request (issue #10's profile: ~4 % of a request's CPU).
//   Only self-hosted scripts and styles: /docs (Swagger UI) loads its bundle, initializer and
//   stylesheets from /docs/static, and the web console must do the same. `img-src data:` is for
//   the SVG icons Swagger UI inlines. test/plugins/docs-csp.test.ts loads /docs in Chromium and
//   fails on any CSP violation.
// - Cache-Control: no-store on anything that depends on the caller (a request with Authorization,
//   a route that needs a key), so no proxy or browser cache keeps one enterprise's answer.
// - @fastify/cors, only for the origins listed in CORS_ORIGINS (none: no CORS headers at all).

import type { IncomingMessage, ServerResponse } from 'node:http'
import cors from '@fastify/cors'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  // Plus one inline <style>, pinned by its hash: the colours of the Swagger logo, an SVG the
  // standalone preset of @fastify/swagger-ui 6.1 inlines (".logo_small_svg__cls-2{fill:#fff}…").
  // A Swagger UI upgrade that changes it shows up in test/plugins/docs-csp.test.ts.
  styleSrc: ["'self'", "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  scriptSrcAttr: ["'none'"],
}

export interface SecurityHeadersOptions {
  corsOrigins: readonly string[]
}

export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  // An API answers JSON; this only matters for documents and would break nothing here.
  crossOriginEmbedderPolicy: false,
}

/**
 * The headers Helmet sets with these options, read off its middleware once: none of them depends
 * on the request (no CSP nonces, no per-route options), so every response gets the same ones.
 */
export const helmetHeaders = (options: HelmetOptions): Readonly<Record<string, string>> => {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
    },
    removeHeader: () => {},
  }
  let failed: unknown = null
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) failed = error
  })
  if (failed) throw failed
  return Object.freeze(headers)
}

/** Whether the answer depends on who asks: a key was sent, or the route requires one. */
const dependsOnCaller = (request: FastifyRequest): boolean => {
  if (request.headers.authorization !== undefined) return true
  const security = (request.routeOptions.schema as { security?: unknown[] } | undefined)?.security
  return Array.isArray(security) && security.length > 0
}

export default fp(
  async (app: FastifyInstance, options: SecurityHeadersOptions) => {
    const headers = helmetHeaders(HELMET_OPTIONS)
    // onRequest, as @fastify/helmet did: a route or an error handler may still override one.
    // Synchronous hooks (done callback): no promise per request.
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers)
      done()
    })

    app.addHook('onSend', (request, reply, payload, done) => {
      if (dependsOnCaller(request)) {
        reply.header('cache-control', 'no-store')
        // Appended: a route may vary on more (the grant report on Accept, compression on Accept-Encoding).
        const vary = reply.getHeader('vary')
        reply.header('vary', vary ? `${String(vary)}, Authorization` : 'Authorization')
      }
      done(null, payload)
    })

    if (options.corsOrigins.length > 0) {
      await app.register(cors, {
        origin: [...options.corsOrigins],
        methods: ['GET', 'POST', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
        exposedHeaders: [
          'retry-after',
          'ratelimit-limit',
          'ratelimit-remaining',
          'ratelimit-reset',
          'x-request-id',
          'www-authenticate',
        ],
        maxAge: 600,
      })
    }
  },
  { name: 'security-headers' },
)
