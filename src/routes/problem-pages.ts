// GET /problems/{type}: the page a problem's `type` URI resolves to (RFC 9457 §3.1.1 says a type
// URI should lead to documentation for humans). HTML for a browser, JSON for a client that asks for
// it (Accept), in the request's language (Accept-Language), both languages in the JSON.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { type Language, localize } from '../i18n/language.ts'
import { PROBLEM_TYPE_LIST, PROBLEM_TYPES_BY_SLUG, type ProblemType } from '../i18n/problems.ts'
import { HttpProblem } from '../plugins/problems.ts'
import { PROBLEM_TYPE_PATTERN } from '../schemas/common.ts'
import { Text } from '../schemas/evaluation.ts'
import { problemResponses } from '../schemas/problem.ts'

const ProblemTypePage = Type.Object(
  {
    type: Type.String({ description: 'The type URI, as problems carry it: "/problems/<slug>".' }),
    status: Type.Integer({ description: 'The HTTP status it comes with (the usual one, when several).' }),
    statuses: Type.Array(Type.Integer(), {
      minItems: 1,
      uniqueItems: true,
      description: 'Every HTTP status it comes with; its explanation says when each.',
    }),
    title: Text,
    explanation: Text,
  },
  { additionalProperties: false, description: 'What a problem type means and what to do about it.' },
)

/** Weight of a media range in an Accept header (0 when absent), for the two we can answer. */
const weight = (accept: string, type: string): number => {
  let best = 0
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const [main, sub] = type.split('/')
    if (range !== type && range !== `${main}/*` && range !== '*/*') continue
    const q = params.find((p) => p.startsWith('q='))
    const value = q === undefined ? 1 : Number(q.slice(2))
    // A specific range outweighs a wildcard given the same q (RFC 9110 §12.5.1).
    const specificity = range === type ? 0.0002 : range === `${main}/*` ? 0.0001 : 0
    if (!Number.isNaN(value) && value > 0 && sub) best = Math.max(best, value + specificity)
  }
  return best
}

/** HTML when the client prefers it (a browser), JSON otherwise. */
const wantsHtml = (accept: string | undefined): boolean => {
  if (!accept) return false
  const html = weight(accept, 'text/html')
  return (
    html > 0 &&
    html > Math.max(weight(accept, 'application/json'), weight(accept, 'application/problem+json'))
  )
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

const page = (problem: ProblemType, language: Language): string => {
  const title = escapeHtml(localize(problem.title, language))
  const heading = language === 'en' ? 'Problem type' : '问题类型'
  const back = language === 'en' ? 'All problem types' : '全部问题类型'
  const other = PROBLEM_TYPE_LIST.map(
    (p) =>
      `<li><a href="/problems/${p.slug}">/problems/${p.slug}</a> — ${escapeHtml(localize(p.title, language))}</li>`,
  ).join('\n')
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — /problems/${problem.slug}</title></head>
<body>
<main>
<p>${heading}: <code>/problems/${problem.slug}</code> · HTTP ${(problem.statuses ?? [problem.status]).join(' / ')}</p>
<h1>${title}</h1>
<p>${escapeHtml(localize(problem.explanation, language))}</p>
<h2>${back}</h2>
<ul>
${other}
</ul>
</main>
</body>
</html>
`
}

const problemPages: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/problems/:type',
    {
      schema: {
        tags: ['reference'],
        summary: 'What a problem type means (the page a problem’s `type` resolves to)',
        description:
          'HTML when the client prefers text/html (a browser), JSON otherwise; in the language of ' +
          'Accept-Language (Chinese by default).',
        params: Type.Object(
          {
            type: Type.String({ pattern: PROBLEM_TYPE_PATTERN, description: 'e.g. "validation-error".' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'The problem type, as JSON (application/json) or as an HTML page (text/html).',
            content: {
              'application/json': { schema: ProblemTypePage },
              'text/html': { schema: Type.String() },
            },
          },
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const problem = PROBLEM_TYPES_BY_SLUG.get(request.params.type)
      if (!problem) {
        throw new HttpProblem({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: {
            zh: `没有问题类型 "${request.params.type}"。`,
            en: `No problem type "${request.params.type}".`,
          },
        })
      }
      reply.header('vary', 'Accept')
      if (wantsHtml(request.headers.accept)) {
        return reply.type('text/html; charset=utf-8').send(page(problem, request.language))
      }
      return reply.type('application/json; charset=utf-8').send({
        type: `/problems/${problem.slug}`,
        status: problem.status,
        statuses: [...(problem.statuses ?? [problem.status])],
        title: problem.title,
        explanation: problem.explanation,
      })
    },
  )
}

export default problemPages
