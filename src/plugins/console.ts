// The web console at /console: static files from console/ (an HTML page, plain ES modules, one
// stylesheet, the clause table), served by this same service. No bundler, no CDN: every script and
// style comes from 'self', so the service's one Content-Security-Policy (security-headers.ts) holds
// for the console unchanged. The page signs in with an API key kept in sessionStorage and calls the
// public API with "Authorization: Bearer": it has no authorization path of its own, and these files
// are public (they hold no data).

import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const CONSOLE_DIR = join(import.meta.dirname, '..', '..', 'console')

export default fp(
  async (app: FastifyInstance) => {
    await app.register(fastifyStatic, {
      root: CONSOLE_DIR,
      prefix: '/console/',
      // /docs (swagger-ui) registers its own instance; this one must not decorate reply again.
      decorateReply: false,
      index: ['index.html'],
      // Static files are not API operations: kept out of the OpenAPI document.
      schemaHide: true,
      // The page and its modules change with each release of the service: revalidate, never guess.
      cacheControl: true,
      maxAge: 0,
    })
    // /console → /console/, so the page's relative module URLs resolve under /console/.
    app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'))
  },
  { name: 'console', dependencies: ['security-headers'] },
)
