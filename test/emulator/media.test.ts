import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, test } from 'node:test'
import type { Emulator } from '../../src/emulator/index.ts'
import { graphCaller, startTestEmulator, waitFor } from './helpers.ts'

// Media (FACTS §1.9): upload, info with an authorised URL that expires, download with the
// token, delete; and the media a simulated customer sends.

let emu: Emulator
let graph: ReturnType<typeof graphCaller>
let pn: string

before(async () => {
  emu = await startTestEmulator({ mediaUrlTtlMs: 1500 })
  graph = graphCaller(emu)
  pn = emu.seed.phoneNumberIds[0]
})
after(() => emu.close())

async function upload(bytes: Buffer, type: string | undefined, fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const [k, v] of Object.entries({ messaging_product: 'whatsapp', ...fields })) form.set(k, v)
  if (type) form.set('type', type)
  form.set('file', new Blob([bytes], { type: type ?? 'application/octet-stream' }), 'file.bin')
  const res = await fetch(`${emu.url}/v23.0/${pn}/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emu.seed.accessToken}` },
    body: form,
  })
  return {
    status: res.status,
    body: (await res.json()) as { id?: string; error?: { code: number; error_data: { details: string } } },
  }
}

test('upload, info, authorised download and delete', async () => {
  const bytes = Buffer.from('%PDF-1.4 invoice')
  const up = await upload(bytes, 'application/pdf')
  assert.equal(up.status, 200)
  const id = up.body.id as string
  assert.match(id, /^\d+$/)
  const info = await graph('GET', id)
  assert.equal(info.status, 200)
  assert.equal(info.body.mime_type, 'application/pdf')
  assert.equal(info.body.sha256, createHash('sha256').update(bytes).digest('hex'))
  assert.equal(info.body.file_size, String(bytes.length))
  assert.equal(info.body.id, id)
  assert.equal(info.body.messaging_product, 'whatsapp')
  const url = info.body.url as string
  const withToken = await fetch(url, { headers: { authorization: `Bearer ${emu.seed.accessToken}` } })
  assert.equal(withToken.status, 200)
  assert.equal(withToken.headers.get('content-type'), 'application/pdf')
  assert.deepEqual(Buffer.from(await withToken.arrayBuffer()), bytes)
  assert.equal((await fetch(url)).status, 401)
  assert.equal(
    (await fetch(url, { headers: { authorization: `Bearer ${emu.seed.expiredToken}` } })).status,
    401,
  )
  assert.equal((await fetch(url.replace(/hash=[^&]+/, 'hash=forged'))).status, 404)
  const withPnid = await graph('GET', `${id}?phone_number_id=${pn}`)
  assert.equal(withPnid.status, 200)
  assert.deepEqual((await graph('DELETE', id)).body, { success: true })
  assert.equal((await graph('GET', id)).body.error?.code, 100)
  assert.equal(
    (await fetch(url, { headers: { authorization: `Bearer ${emu.seed.accessToken}` } })).status,
    404,
  )
})

test('a download URL expires (404 after its lifetime) and a fresh GET gives a new one', async () => {
  const up = await upload(Buffer.from([0xff, 0xd8, 0xff, 9]), 'image/jpeg')
  const url = (await graph('GET', up.body.id as string)).body.url as string
  const auth = { headers: { authorization: `Bearer ${emu.seed.accessToken}` } }
  assert.equal((await fetch(url, auth)).status, 200)
  // mediaUrlTtlMs is 1.5 s here: poll until the URL stops working.
  await waitFor(async () => (await fetch(url, auth)).status === 404, 'URL expiry', 5000)
  const fresh = (await graph('GET', up.body.id as string)).body.url as string
  assert.equal((await fetch(fresh, auth)).status, 200)
})

test('upload errors: missing fields are 100, bad MIME or size is 131053', async () => {
  const noType = await upload(Buffer.from('x'), undefined)
  assert.equal(noType.body.error?.code, 100)
  const noProduct = await fetch(`${emu.url}/v23.0/${pn}/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emu.seed.accessToken}` },
    body: (() => {
      const f = new FormData()
      f.set('type', 'image/png')
      f.set('file', new Blob([Buffer.from('x')]), 'a.png')
      return f
    })(),
  })
  assert.equal(((await noProduct.json()) as { error: { code: number } }).error.code, 100)
  const json = await graph('POST', `${pn}/media`, { messaging_product: 'whatsapp' })
  assert.equal(json.body.error?.code, 100)
  const bad = await upload(Buffer.from('x'), 'application/zip')
  assert.equal(bad.body.error?.code, 131053)
  const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 1), 'image/png')
  assert.equal(big.body.error?.code, 131053)
  assert.match(big.body.error?.error_data.details ?? '', /image limit/)
})

test('sending an uploaded audio as an image is 131053', async () => {
  const up = await upload(Buffer.from('OggS....'), 'audio/ogg')
  const res = await graph('POST', `${pn}/messages`, {
    messaging_product: 'whatsapp',
    to: '34612345678',
    type: 'image',
    image: { id: up.body.id },
  })
  assert.equal(res.body.error?.code, 131053)
})

test('media a customer sends can be fetched like Meta media', async () => {
  const { id } = emu.control.customerSends('34612345678', {
    type: 'document',
    document: { filename: 'menu.pdf' },
  })
  const state = emu.control.state() as { media: { id: string; mime_type: string }[] }
  const media = state.media.at(-1)
  assert.ok(media && id)
  const info = await graph('GET', media.id)
  const res = await fetch(info.body.url as string, {
    headers: { authorization: `Bearer ${emu.seed.accessToken}` },
  })
  const bytes = Buffer.from(await res.arrayBuffer())
  assert.equal(bytes.subarray(0, 4).toString(), '%PDF')
  assert.equal(createHash('sha256').update(bytes).digest('hex'), info.body.sha256)
})
