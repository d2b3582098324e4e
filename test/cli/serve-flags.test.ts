import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runtimeV8Flags } from '../../src/cli/serve.ts'

// Decision 0121: the one-process SQLite server trades a little speed for memory; PostgreSQL's
// servers, where the same flag cost a campaign its rate, keep V8's defaults.
test('wahub serve asks V8 to favour memory on SQLite and not on PostgreSQL', () => {
  assert.deepEqual(runtimeV8Flags({ databaseUrl: undefined }), ['--optimize-for-size'], 'SQLite')
  assert.deepEqual(runtimeV8Flags({ databaseUrl: 'postgres://wahub@db:5432/wahub' }), [], 'PostgreSQL')
})
