import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { GraphLedgerEntry } from '../../src/emulator/ledger.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import { type SendWorld, sendOk, startSendWorld, waitStatus } from '../messaging/helpers.ts'

// The header kinds the other authoring tests do not send — a video and a document sample, each
// through Meta's Resumable Upload API — created, approved by webhook and sent with the file the
// customer gets, end to end through the emulator; and the location header sent with its place.

type Obj = Record<string, unknown>

describe(`template headers: video, document, location (${testDbKind})`, () => {
  let w: SendWorld
  const uploads = () =>
    (w.h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]).filter(
      (e) => e.method === 'POST' && e.path.endsWith(`/${w.h.emulator.seed.appId}/uploads`),
    ).length

  before(async () => {
    w = await startSendWorld({ emulator: { templateReview: 'manual' } })
  })
  after(async () => {
    await w.h.close()
  })

  async function createApproved(name: string, header: Obj, media?: Obj): Promise<void> {
    const res = await w.h.api('POST', `/api/v1/admin/wabas/${w.seed.wabaRowId}/templates`, {
      key: w.h.adminKey,
      body: {
        name,
        language: 'en_US',
        category: 'UTILITY',
        components: [
          header,
          { type: 'BODY', text: 'Here it is, {{1}}. Thank you!', example: { body_text: [['Ana']] } },
        ],
        ...(media ? { header_media: media } : {}),
      },
    })
    assert.equal(res.status, 201, res.text)
    const id = (res.body as { template: { id: string } }).template.id
    w.h.emulator.control.setTemplateStatus({ name, language: 'en_US', status: 'APPROVED' })
    await waitFor(`${name} approved by webhook`, async () => {
      const t = await w.h.api('GET', `/api/v1/admin/templates/${id}`, { key: w.h.adminKey })
      return (t.body as { template: { status: string } }).template.status === 'APPROVED'
    })
  }

  async function sendWithHeader(name: string, header: Obj): Promise<GraphLedgerEntry> {
    const sent = await sendOk(w, {
      to: '+34 612 345 678',
      type: 'template',
      template: {
        name,
        language: 'en_US',
        components: [
          { type: 'header', parameters: [header] },
          { type: 'body', parameters: [{ type: 'text', text: 'Lucía' }] },
        ],
      },
    })
    const done = await waitStatus(w, sent.id, ['sent', 'delivered', 'read'])
    const entry = (w.h.emulator.control.ledger({ kind: 'graph' }) as GraphLedgerEntry[]).find(
      (e) => e.wamid !== undefined && e.wamid === done.wamid,
    )
    assert.ok(entry, 'the send is in the emulator’s ledger')
    return entry
  }

  test('a video header: the sample by resumable upload; sent with its video', async () => {
    const before = uploads()
    await createApproved(
      'unboxing_video',
      { type: 'HEADER', format: 'VIDEO' },
      {
        data_base64: Buffer.from('not really an mp4, a sample').toString('base64'),
        mime_type: 'video/mp4',
        file_name: 'v.mp4',
      },
    )
    assert.equal(uploads(), before + 1, 'one upload session for the sample')
    const entry = await sendWithHeader('unboxing_video', {
      type: 'video',
      video: { link: 'https://cdn.example/v.mp4' },
    })
    assert.match(JSON.stringify(entry.body), /https:\/\/cdn\.example\/v\.mp4/)
  })

  test('a document header: the sample by resumable upload; sent with its PDF and file name', async () => {
    await createApproved(
      'invoice_ready',
      { type: 'HEADER', format: 'DOCUMENT' },
      {
        data_base64: Buffer.from('%PDF-1.4 sample').toString('base64'),
        mime_type: 'application/pdf',
        file_name: 'i.pdf',
      },
    )
    const entry = await sendWithHeader('invoice_ready', {
      type: 'document',
      document: { link: 'https://cdn.example/invoice-1042.pdf', filename: 'invoice-1042.pdf' },
    })
    assert.match(JSON.stringify(entry.body), /invoice-1042\.pdf/)
  })

  test('a location header needs no sample; sent with the place', async () => {
    await createApproved('store_here', { type: 'HEADER', format: 'LOCATION' })
    const entry = await sendWithHeader('store_here', {
      type: 'location',
      location: {
        latitude: 40.4168,
        longitude: -3.7038,
        name: 'Panadería Sol',
        address: 'Puerta del Sol 1, Madrid',
      },
    })
    assert.match(JSON.stringify(entry.body), /Panadería Sol/)
  })
})
