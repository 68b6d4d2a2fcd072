// The language of a request's answer: Accept-Language negotiated once per request
// (src/i18n/language.ts; zh-CN by default) into `request.language`, and said on every response with
// Content-Language; Vary: Accept-Language tells caches that the same URL answers per language.

import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { DEFAULT_LANGUAGE, type Language, negotiateLanguage } from '../i18n/language.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** the language human-facing text is answered in */
    language: Language
  }
}

/** Adds a field name to a Vary header value, once (RFC 9110 §12.5.5). */
export const varyWith = (current: unknown, field: string): string => {
  const value = Array.isArray(current) ? current.join(', ') : typeof current === 'string' ? current : ''
  // The common case, every response of a route that sets no Vary: nothing to split.
  if (value === '') return field
  const fields = value
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
  if (fields.includes('*') || fields.some((f) => f.toLowerCase() === field.toLowerCase())) return value
  return [...fields, field].join(', ')
}

export default fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('language', DEFAULT_LANGUAGE)
    // Synchronous hooks (done callback): no promise and no extra microtask per request.
    app.addHook('onRequest', (request, _reply, done) => {
      request.language = negotiateLanguage(request.headers['accept-language'])
      done()
    })
    app.addHook('onSend', (request, reply, payload, done) => {
      reply.header('content-language', request.language)
      reply.header('vary', varyWith(reply.getHeader('vary'), 'Accept-Language'))
      done(null, payload)
    })
  },
  { name: 'language' },
)
