// API keys: "yik_<prefix>_<secret>". The prefix finds the row; only SHA-256 of the secret is
// stored (a key is 256 random bits, so a fast hash is enough: there is nothing to brute-force).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const ROLES = ['enterprise', 'finance', 'auditor', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface Caller {
  keyId: string
  role: Role
  /** the enterprise's credit code, for role enterprise */
  enterprise: string | null
}

const KEY = /^yik_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex')

export const newApiKey = (): { key: string; prefix: string; secretHash: string } => {
  const prefix = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  return { key: `yik_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) }
}

export const parseApiKey = (key: string): { prefix: string; secret: string } | null => {
  const m = KEY.exec(key)
  return m ? { prefix: m[1]!, secret: m[2]! } : null
}

export const secretMatches = (secret: string, storedHash: string): boolean => {
  const a = Buffer.from(hashSecret(secret), 'hex')
  const b = Buffer.from(storedHash, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}
