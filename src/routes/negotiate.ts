// Content negotiation for the routes that answer in several formats (the grant report, a batch's
// results): the format an Accept header prefers (RFC 9110 §12.5.1: highest q, then the order given;
// q=0 refuses a type), null when it accepts none of them (the route answers 406, notAcceptable); and
// the detail a decision's answer shows, asked with Prefer (RFC 7240).

import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Explain, explainOf } from '../decisions/explain.ts'
import { HttpProblem } from '../plugins/problems.ts'

/**
 * What a decision's answer shows (explainOf), and `Preference-Applied: explain=full` when the
 * Prefer header asked for it and was honoured (RFC 7240 §3; `?explain=` is not a preference).
 */
export const explainFor = (request: FastifyRequest, reply: FastifyReply): Explain => {
  const query = request.query as { explain?: Explain } | undefined
  const explain = explainOf(query, request.headers.prefer)
  if (explain === 'full' && query?.explain === undefined) reply.header('preference-applied', 'explain=full')
  return explain
}

/**
 * `types`: media type → format, in the route's order of preference; `*\/*` is `wildcard`, `type/*`
 * the first of `types` of that type. No Accept header (or an empty one) is `wildcard`.
 */
export const formatFromAccept = <F extends string>(
  accept: string | undefined,
  types: readonly (readonly [string, F])[],
  wildcard: F,
): F | null => {
  if (accept === undefined || accept.trim() === '') return wildcard
  let best: { format: F; q: number } | null = null
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const qParam = params.find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (!Number.isFinite(q) || q <= 0) continue
    const format =
      type === '*/*'
        ? wildcard
        : type.endsWith('/*')
          ? types.find(([media]) => media.startsWith(type.slice(0, -1)))?.[1]
          : types.find(([media]) => media === type)?.[1]
    if (format !== undefined && (best === null || q > best.q)) best = { format, q }
  }
  return best?.format ?? null
}

/** 406: the Accept header names none of `offered` (the media types, in the route's order). */
export const notAcceptable = (offered: readonly string[]) =>
  new HttpProblem({
    type: 'about:blank',
    title: 'Not Acceptable',
    status: 406,
    detail: {
      zh: `Accept 未列出 ${offered.join('、')} 中的任何一种；或使用 ?format=。`,
      en: `Accept names none of ${offered.join(', ')}; or use ?format=.`,
    },
    errors: [
      {
        header: 'accept',
        detail: { zh: '未列出可提供的格式', en: 'names no format this is available in' },
      },
    ],
  })
