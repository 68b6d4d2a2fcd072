// API keys (admin): create (the key is shown once), list, revoke. Every change is audited.
// One key's label and role (GET /v1/keys/{id}) are readable by auditors and finance as well: a
// decision's `decidedBy` and an audit entry's actor are key ids, and a reader must learn who acted.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ROLES } from '../auth/api-keys.ts'
import {
  createApiKey,
  findApiKey,
  LastAdminKeyError,
  listApiKeys,
  revokeApiKey,
} from '../db/keys-repository.ts'
import { creditCodeProblem } from '../engine/validate.ts'
import { callerOf } from '../plugins/auth.ts'
import { HttpProblem } from '../plugins/problems.ts'
import { CREDIT_CODE_PATTERN } from '../schemas/application.ts'
import { PlainText } from '../schemas/common.ts'
import { problemResponses } from '../schemas/problem.ts'
import { notFound } from './applications.ts'

const ApiKey = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    prefix: Type.String({ description: 'The public part of the key, to recognise it in lists.' }),
    role: Type.Enum(ROLES),
    enterprise: Type.Union([Type.String(), Type.Null()], {
      description: 'Credit code, for enterprise keys.',
    }),
    label: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
)

/** What auditors and finance may read about a key: who it is, never its prefix or hash. */
const ApiKeyIdentity = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    label: Type.String({ description: 'What the key is for, as its creator named it.' }),
    role: Type.Enum(ROLES),
    enterprise: Type.Union([Type.String(), Type.Null()], {
      description: 'Credit code, for enterprise keys.',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
)

const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/keys',
    {
      preValidation: app.requireRole('admin'),
      schema: {
        tags: ['keys'],
        summary: 'Create an API key (shown once)',
        security: [{ apiKey: [] }],
        body: Type.Object(
          {
            role: Type.Enum(ROLES, { description: 'enterprise, finance, auditor or admin.' }),
            enterprise: Type.Optional(
              Type.String({
                pattern: CREDIT_CODE_PATTERN,
                description: 'Credit code; required for role enterprise.',
              }),
            ),
            label: Type.Optional(
              PlainText('What the key is for, e.g. "Qujing portal"; shown in lists.', { maxLength: 200 }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object(
            {
              key: Type.String({ description: 'The API key. It is not stored and cannot be shown again.' }),
              apiKey: ApiKey,
            },
            {
              additionalProperties: false,
              description:
                'The key created: its secret, shown only here, and its record (read again at Location).',
            },
          ),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { role, enterprise, label } = request.body
      if (role === 'enterprise') {
        const problem =
          enterprise === undefined
            ? { zh: '角色为 enterprise 时必填', en: 'is required for role enterprise' }
            : creditCodeProblem(enterprise)
        if (problem) {
          throw new HttpProblem({
            type: '/problems/validation-error',
            title: 'Request validation failed',
            status: 400,
            detail: { zh: `enterprise：${problem.zh}`, en: `enterprise ${problem.en}` },
            errors: [{ detail: problem, pointer: '#/enterprise' }],
          })
        }
      }
      const created = await app.database.db
        .transaction()
        .execute((trx) =>
          createApiKey(trx, { role, enterprise: enterprise ?? null, label: label ?? '' }, callerOf(request)),
        )
      // Location: where the key's record is read (RFC 9110 §15.3.2); the secret is shown here only
      return reply
        .code(201)
        .header('location', `/v1/keys/${created.record.id}`)
        .send({ key: created.key, apiKey: created.record })
    },
  )

  app.get(
    '/v1/keys',
    {
      preValidation: app.requireRole('admin'),
      schema: {
        tags: ['keys'],
        summary: 'List API keys (never their secrets)',
        security: [{ apiKey: [] }],
        response: { 200: Type.Array(ApiKey), ...problemResponses(401, 403) },
      },
    },
    async () => listApiKeys(app.database.db),
  )

  app.get(
    '/v1/keys/:id',
    {
      preValidation: app.requireRole('auditor', 'finance', 'admin'),
      schema: {
        tags: ['keys'],
        summary: 'Who a key is: label, role, enterprise, created and revoked',
        description:
          'Resolves a key id (a decision’s decidedBy, an audit entry’s actor.keyId) to its label and ' +
          'role. Auditor, finance and admin keys; never the key, its prefix or its hash.',
        security: [{ apiKey: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: ApiKeyIdentity, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const record = await findApiKey(app.database.db, request.params.id)
      if (!record) throw notFound('API key')
      const { id, label, role, enterprise, createdAt, revokedAt } = record
      return { id, label, role, enterprise, createdAt, revokedAt }
    },
  )

  app.delete(
    '/v1/keys/:id',
    {
      preValidation: app.requireRole('admin'),
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key',
        description:
          'Revoking a revoked key changes nothing. The last active admin key cannot be revoked (409): ' +
          'create another admin key first, so that someone can still manage keys.',
        security: [{ apiKey: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: ApiKey, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      try {
        const record = await app.database.db
          .transaction()
          .execute((trx) => revokeApiKey(trx, request.params.id, callerOf(request)))
        if (!record) throw notFound('API key')
        return record
      } catch (error) {
        if (!(error instanceof LastAdminKeyError)) throw error
        throw new HttpProblem({
          type: '/problems/last-admin-key',
          title: 'Conflict',
          status: 409,
          detail: {
            zh: '这是最后一个有效的管理员密钥：请先创建另一个管理员密钥，再吊销它。',
            en: 'This is the last active admin key: create another admin key before revoking it.',
          },
        })
      }
    },
  )
}

export default keys
