import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { errorBody, errorDefinitions, WahubError } from '../src/errors.ts'

const doc = fs.readFileSync(path.join(import.meta.dirname, '..', 'docs', 'errors.md'), 'utf8')

test('docs/errors.md documents every Wahub error code with its status', () => {
  for (const [code, def] of Object.entries(errorDefinitions)) {
    assert.match(
      doc,
      new RegExp(`\\| \`${code}\` \\| ${def.status} \\|`),
      `docs/errors.md lacks a row for ${code} (${def.status})`,
    )
  }
  const documented = [...doc.matchAll(/^\| `([a-z_]+)` \| \d{3} \|/gm)].map((m) => m[1])
  for (const code of documented) {
    assert.ok(
      code in errorDefinitions,
      `docs/errors.md documents ${code}, which src/errors.ts does not define`,
    )
  }
})

test('an error body carries the code, the message and the fix', () => {
  const body = errorBody(new WahubError('not_found', 'No message msg_1.', { id: 'msg_1' }))
  assert.deepEqual(body, {
    error: {
      code: 'not_found',
      message: 'No message msg_1.',
      fix: errorDefinitions.not_found.fix,
      details: { id: 'msg_1' },
    },
  })
})
