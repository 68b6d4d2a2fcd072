import t from 'tap'
import { ConfigError, DEFAULT_LIMITS, loadConfig } from '../src/config.ts'

t.test('defaults: 127.0.0.1:3000, PGlite under ./data', async (t) => {
  const c = loadConfig({})
  t.match(c, {
    host: '127.0.0.1',
    port: 3000,
    logLevel: 'info',
    databaseUrl: null,
    poolSize: 10,
    storeGroup: 16,
    dataDir: './data',
    statementTimeoutMs: 10_000,
    lockTimeoutMs: 5_000,
    shutdownTimeoutMs: 15_000,
  })
})

t.test('reads every variable', async (t) => {
  const c = loadConfig({
    HOST: '0.0.0.0',
    PORT: '8080',
    LOG_LEVEL: 'debug',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
    DATABASE_POOL_SIZE: '20',
    DATABASE_STORE_GROUP: '1',
    DATA_DIR: '/tmp/d',
    DATABASE_STATEMENT_TIMEOUT_MS: '0',
    DATABASE_LOCK_TIMEOUT_MS: '250',
    SHUTDOWN_TIMEOUT_SECONDS: '30',
  })
  t.match(c, {
    host: '0.0.0.0',
    port: 8080,
    logLevel: 'debug',
    poolSize: 20,
    storeGroup: 1,
    dataDir: '/tmp/d',
    statementTimeoutMs: 0,
    lockTimeoutMs: 250,
    shutdownTimeoutMs: 30_000,
  })
  t.equal(c.databaseUrl, 'postgres://postgres@127.0.0.1:5432/x')
})

for (const [variable, value] of [
  ['PORT', 'abc'],
  ['PORT', '70000'],
  ['PORT', '-1'],
  ['LOG_LEVEL', 'loud'],
  ['DATABASE_URL', 'not a url'],
  ['DATABASE_URL', 'mysql://root@localhost/db'],
  ['DATABASE_POOL_SIZE', '0'],
  ['DATABASE_POOL_SIZE', '2.5'],
  ['DATABASE_STORE_GROUP', '0'],
  ['DATABASE_STORE_GROUP', '33'],
  ['HOST', 'bad host!'],
  ['PGLITE_DURABLE', 'maybe'],
  ['DATABASE_STATEMENT_TIMEOUT_MS', '10s'],
  ['DATABASE_LOCK_TIMEOUT_MS', '-5'],
  ['SHUTDOWN_TIMEOUT_SECONDS', '0'],
  ['RATE_LIMIT_PER_KEY', '-5'],
  ['RATE_LIMIT_ANONYMOUS', 'lots'],
  ['RATE_LIMIT_WINDOW_MS', '10'],
  ['REQUEST_TIMEOUT_MS', '0'],
  ['CONNECTION_TIMEOUT_MS', '1.5'],
  ['CORS_ORIGINS', '*'],
  ['CORS_ORIGINS', 'https://portal.example.cn/path'],
  ['CORS_ORIGINS', 'ftp://files.example.cn'],
] as const) {
  t.test(`${variable}=${value} is refused with a message naming ${variable}`, async (t) => {
    const error = t.throws(() => loadConfig({ [variable]: value })) as unknown
    t.ok(error instanceof ConfigError)
    t.equal((error as ConfigError).variable, variable)
    t.match((error as Error).message, new RegExp(`^${variable}: `))
  })
}

t.test('limits, CORS origins and the admin key file', async (t) => {
  const c = loadConfig({})
  t.same(c.limits, DEFAULT_LIMITS)
  t.same(c.corsOrigins, [])
  t.equal(c.adminKeyFile, 'data/admin-key.txt')
  const d = loadConfig({
    RATE_LIMIT_PER_KEY: '0',
    RATE_LIMIT_ANONYMOUS: '30',
    RATE_LIMIT_AUTH_FAILURES: '5',
    RATE_LIMIT_WINDOW_MS: '1000',
    REQUEST_TIMEOUT_MS: '5000',
    CONNECTION_TIMEOUT_MS: '2000',
    CORS_ORIGINS: 'https://portal.example.cn, http://127.0.0.1:5173',
    DATA_DIR: '/srv/incentives',
  })
  t.same(d.limits, {
    rateLimitPerKey: 0,
    rateLimitAnonymous: 30,
    rateLimitAuthFailures: 5,
    rateLimitWindowMs: 1000,
    requestTimeoutMs: 5000,
    connectionTimeoutMs: 2000,
  })
  t.same(d.corsOrigins, ['https://portal.example.cn', 'http://127.0.0.1:5173'])
  t.equal(d.adminKeyFile, '/srv/incentives/admin-key.txt')
  t.equal(loadConfig({ ADMIN_KEY_FILE: '/run/secrets/key' }).adminKeyFile, '/run/secrets/key')
})
