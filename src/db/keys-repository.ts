// API keys: create, find by prefix, list, revoke. Every change is audited in the same transaction.

import { hashCanonical } from '../audit/canonical-json.ts'
import { type Caller, newApiKey, type Role } from '../auth/api-keys.ts'
import { appendAudit } from './audit-repository.ts'
import type { Executor } from './executor.ts'

export interface ApiKeyRecord {
  id: string
  prefix: string
  role: Role
  enterprise: string | null
  label: string
  createdAt: string
  createdBy: string | null
  revokedAt: string | null
}

export const toApiKeyRecord = (row: {
  id: string
  prefix: string
  role: Role
  enterprise_credit_code: string | null
  label: string
  created_at: Date
  created_by: string | null
  revoked_at: Date | null
}): ApiKeyRecord => ({
  id: row.id,
  prefix: row.prefix,
  role: row.role,
  enterprise: row.enterprise_credit_code,
  label: row.label,
  createdAt: row.created_at.toISOString(),
  createdBy: row.created_by,
  revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
})

/** The audited state of a key: never its secret or hash. */
export const keyEntity = (k: ApiKeyRecord) => ({
  id: k.id,
  prefix: k.prefix,
  role: k.role,
  enterprise: k.enterprise,
  label: k.label,
  revokedAt: k.revokedAt,
})

export const API_KEY_COLUMNS = [
  'id',
  'prefix',
  'role',
  'enterprise_credit_code',
  'label',
  'created_at',
  'created_by',
  'revoked_at',
] as const

/** Creates a key; returns the record and the key itself, which is shown once and never stored. */
export const createApiKey = async (
  trx: Executor,
  input: { role: Role; enterprise?: string | null; label?: string },
  actor: Caller | 'system',
): Promise<{ record: ApiKeyRecord; key: string }> => {
  const { key, prefix, secretHash } = newApiKey()
  const row = await trx
    .insertInto('api_keys')
    .values({
      prefix,
      secret_hash: secretHash,
      role: input.role,
      enterprise_credit_code: input.role === 'enterprise' ? (input.enterprise ?? null) : null,
      label: input.label ?? '',
      created_by: actor === 'system' ? null : actor.keyId,
    })
    .returning(API_KEY_COLUMNS)
    .executeTakeFirstOrThrow()
  const record = toApiKeyRecord(row)
  await appendAudit(trx, [
    {
      time: new Date().toISOString(),
      actor:
        actor === 'system' ? { keyId: 'system', role: 'system' } : { keyId: actor.keyId, role: actor.role },
      action: 'api-key.created',
      entity: { type: 'api-key', id: record.id },
      entity_hash: hashCanonical(keyEntity(record)),
    },
  ])
  return { record, key }
}

export const findKeyByPrefix = async (db: Executor, prefix: string) =>
  db
    .selectFrom('api_keys')
    .select(['id', 'role', 'enterprise_credit_code', 'secret_hash', 'revoked_at'])
    .where('prefix', '=', prefix)
    .executeTakeFirst()

export const countKeys = async (db: Executor): Promise<number> => {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export const listApiKeys = async (db: Executor): Promise<ApiKeyRecord[]> =>
  (await db.selectFrom('api_keys').select(API_KEY_COLUMNS).orderBy('created_at').orderBy('id').execute()).map(
    toApiKeyRecord,
  )

/** One key's record by id (never its hash), or null. */
export const findApiKey = async (db: Executor, id: string): Promise<ApiKeyRecord | null> => {
  const row = await db.selectFrom('api_keys').select(API_KEY_COLUMNS).where('id', '=', id).executeTakeFirst()
  return row ? toApiKeyRecord(row) : null
}

/** Revoking this key would leave no active admin key, and nobody could manage keys any more. */
export class LastAdminKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`API key ${keyId} is the last active admin key`)
    this.name = 'LastAdminKeyError'
  }
}

/**
 * Revokes a key; returns null when there is no such key. Revoking twice changes nothing.
 * Throws LastAdminKeyError for the last active admin key. Run it in a transaction: the active admin
 * keys are locked (FOR UPDATE, in id order so two revocations cannot deadlock) before counting, so of
 * two concurrent revocations of the last two admin keys the second waits, re-reads the rows the
 * first changed, sees one admin left, and refuses.
 */
export const revokeApiKey = async (
  trx: Executor,
  id: string,
  actor: Caller,
): Promise<ApiKeyRecord | null> => {
  const activeAdmins = await trx
    .selectFrom('api_keys')
    .select('id')
    .where('role', '=', 'admin')
    .where('revoked_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute()
  if (activeAdmins.length === 1 && activeAdmins[0]!.id === id) throw new LastAdminKeyError(id)
  const row = await trx
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(API_KEY_COLUMNS)
    .executeTakeFirst()
  if (!row) {
    const existing = await trx
      .selectFrom('api_keys')
      .select(API_KEY_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst()
    return existing ? toApiKeyRecord(existing) : null
  }
  const record = toApiKeyRecord(row)
  await appendAudit(trx, [
    {
      time: new Date().toISOString(),
      actor: { keyId: actor.keyId, role: actor.role },
      action: 'api-key.revoked',
      entity: { type: 'api-key', id: record.id },
      entity_hash: hashCanonical(keyEntity(record)),
    },
  ])
  return record
}

/** One key's record by id (never its secret or hash); null when there is no such key. */
export const findKeyById = async (db: Executor, id: string): Promise<ApiKeyRecord | null> => {
  const row = await db.selectFrom('api_keys').select(API_KEY_COLUMNS).where('id', '=', id).executeTakeFirst()
  return row ? toApiKeyRecord(row) : null
}
