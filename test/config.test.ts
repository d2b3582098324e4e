import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import { ConfigError, configVariables, loadConfig } from '../src/config.ts'
import { renderEnvExample } from '../src/config-doc.ts'

describe('configuration', () => {
  test('with no variables Wahub runs on SQLite in ./data on port 8080 with the sandbox on', () => {
    const config = loadConfig({}, '/srv/app')
    assert.equal(config.port, 8080)
    assert.equal(config.databaseUrl, undefined)
    assert.equal(config.dataDir, '/srv/app/data')
    assert.equal(config.graphUrl, 'https://graph.facebook.com')
    assert.equal(config.graphVersion, 'v23.0')
    assert.equal(config.sandbox, true)
    assert.ok(Object.isFrozen(config), 'the config object is frozen')
  })

  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /^PORT must be a whole number/],
    [{ PORT: '70000' }, /^PORT must be/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must start with postgres:/],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL must be a URL/],
    [{ WAHUB_SECRET_KEY: 'short' }, /^WAHUB_SECRET_KEY must be 32 random bytes/],
    [{ WAHUB_GRAPH_VERSION: '23' }, /^WAHUB_GRAPH_VERSION must look like v23\.0/],
    [{ WAHUB_SANDBOX: 'maybe' }, /^WAHUB_SANDBOX must be on or off/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ WAHUB_PUBLIC_URL: 'ftp://x' }, /^WAHUB_PUBLIC_URL must start with https: or http:/],
  ]
  for (const [env, message] of bad) {
    test(`a wrong ${Object.keys(env)[0]} is refused with a sentence naming it (${Object.values(env)[0]})`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
      )
    })
  }

  test('a database password never appears in a configuration error', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://u:hunter2@/ bad' }),
      (err: Error) => !err.message.includes('hunter2'),
    )
  })

  test('.env.example documents every variable Wahub reads, with its default', () => {
    const file = fs.readFileSync(path.join(import.meta.dirname, '..', '.env.example'), 'utf8')
    assert.equal(
      file,
      renderEnvExample(),
      '.env.example is stale: regenerate it with `npm run --silent wahub -- config example > .env.example`',
    )
    for (const v of configVariables)
      assert.ok(file.includes(`${v.name}=`), `${v.name} missing from .env.example`)
  })
})
