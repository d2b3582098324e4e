import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { promisify } from 'node:util'
import { generateClientFiles, typesFile } from '../../packages/client/scripts/openapi.ts'
import { createWahubClient } from '../../packages/client/src/index.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import { customerWrites, graphSends, lucia, type SendWorld, startSendWorld } from '../messaging/helpers.ts'

// The typed client (packages/client, decision 0067): its types are generated from the OpenAPI
// document the server serves, so they must be in step with the routes; it compiles on its own;
// and it sends a message through Wahub to the Cloud API emulator.

const root = path.join(import.meta.dirname, '..', '..')

describe(`typed client (${testDbKind})`, () => {
  let w: SendWorld
  before(async () => {
    w = await startSendWorld()
  })
  after(async () => {
    await w.h.close()
  })

  test("the committed types are the ones the server's OpenAPI document generates", async () => {
    const { types } = await generateClientFiles()
    const committed = readFileSync(typesFile, 'utf8')
    assert.ok(
      types === committed,
      'packages/client/src/generated/schema.d.ts is out of step with the routes: run `npm run client:generate` and commit it',
    )
  })

  test('the client package compiles with its own tsconfig (tsc)', async () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    const run = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'packages/client'], {
      cwd: root,
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    )
    assert.equal(run.code, 0, `tsc -p packages/client failed:\n${run.out}`)
  })

  test('the client sends a text that reaches the Cloud API emulator, and reads its status', async () => {
    await customerWrites(w, lucia) // the 24-hour window is open
    const wahub = createWahubClient({ baseUrl: w.h.url, apiKey: w.key })
    const { data, error, response } = await wahub.POST('/api/v1/messages', {
      body: { to: lucia, type: 'text', text: { body: 'Hola desde el cliente tipado' } },
    })
    assert.equal(response.status, 202, JSON.stringify(error))
    assert.ok(data?.id, 'the answer names the message')
    await waitFor('the text in the emulator’s ledger', () =>
      graphSends(w).some((e) => JSON.stringify(e.body).includes('Hola desde el cliente tipado')),
    )
    const read = await wahub.GET('/api/v1/messages/{id}', { params: { path: { id: data.id } } })
    assert.equal(read.response.status, 200)
    assert.equal(read.data?.id, data.id)

    const refused = await wahub.POST('/api/v1/messages', {
      body: { to: lucia, type: 'text', text: { body: '' } },
    })
    assert.equal(refused.response.status, 400, 'an empty text is refused')
    assert.equal(refused.error?.error.code, 'validation_failed', 'with a typed error body')
  })
})
