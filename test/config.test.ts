import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.ts'

t.test('defaults: 127.0.0.1:3000, PGlite under ./data', async (t) => {
  const c = loadConfig({})
  t.match(c, {
    host: '127.0.0.1',
    port: 3000,
    logLevel: 'info',
    databaseUrl: null,
    poolSize: 10,
    dataDir: './data',
  })
})

t.test('reads every variable', async (t) => {
  const c = loadConfig({
    HOST: '0.0.0.0',
    PORT: '8080',
    LOG_LEVEL: 'debug',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
    DATABASE_POOL_SIZE: '20',
    DATA_DIR: '/tmp/d',
  })
  t.match(c, { host: '0.0.0.0', port: 8080, logLevel: 'debug', poolSize: 20, dataDir: '/tmp/d' })
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
  ['HOST', 'bad host!'],
  ['PGLITE_DURABLE', 'maybe'],
] as const) {
  t.test(`${variable}=${value} is refused with a message naming ${variable}`, async (t) => {
    const error = t.throws(() => loadConfig({ [variable]: value })) as unknown
    t.ok(error instanceof ConfigError)
    t.equal((error as ConfigError).variable, variable)
    t.match((error as Error).message, new RegExp(`^${variable}: `))
  })
}
