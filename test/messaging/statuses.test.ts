import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { newId } from '../../src/ids.ts'
import { testDbKind } from '../helpers/db.ts'
import { waitFor } from '../helpers/wait.ts'
import { type SendWorld, sendOk, startSendWorld, waitStatus } from './helpers.ts'

// Meta's status webhooks can be processed while the send that gets their wamid is still storing
// it: the webhook's transaction finds no message and keeps the status unlinked. The send worker
// links such statuses within seconds and tells the tenant (a `message.status` event).

describe(`statuses that raced their send (${testDbKind})`, () => {
  let w: SendWorld
  before(async () => {
    w = await startSendWorld()
  })
  after(async () => {
    await w.h.close()
  })

  /** What a racing webhook transaction leaves behind: a status stored without its message. */
  async function insertUnlinkedStatus(
    wamid: string,
    recipient: string,
    status: string,
    options: { at?: number; errors?: unknown[] } = {},
  ): Promise<void> {
    await w.h.db.db
      .insertInto('message_status_events')
      .values({
        id: newId('st'),
        phone_number_id: w.pnid,
        wamid,
        status,
        message_id: null,
        meta_timestamp: options.at ?? Date.now(),
        recipient_id: recipient,
        errors: options.errors ? JSON.stringify(options.errors) : null,
        pricing: null,
        conversation: null,
        webhook_event_id: null,
        created_at: Date.now(),
      })
      .execute()
  }

  /** The `message.status` events of a message, oldest first. */
  async function statusEvents(messageId: string): Promise<{ status: string; errorCode: number | null }[]> {
    const events = await w.h.db.db
      .selectFrom('events')
      .select('payload')
      .where('kind', '=', 'message.status')
      .where('subject_id', '=', messageId)
      .orderBy('id')
      .execute()
    return events.map((e) => JSON.parse(e.payload) as { status: string; errorCode: number | null })
  }

  test('an unlinked status for a wamid Wahub sent is applied afterwards, with its event', async () => {
    // No webhooks for a moment: the message stays `sent`.
    w.h.emulator.control.setWebhookUrl(null)
    try {
      const sent = await sendOk(w, {
        to: '34600000501',
        type: 'template',
        template: { name: 'hello_world', language: 'en_US' },
      })
      const d = await waitStatus(w, sent.id, 'sent')
      await insertUnlinkedStatus(d.wamid as string, '34600000501', 'delivered')
      const delivered = await waitStatus(w, sent.id, 'delivered', { timeoutMs: 10_000 })
      assert.ok(delivered.history.some((h) => h.source === 'meta' && h.status === 'delivered'))
      await waitFor('the message.status event for the tenant', async () =>
        (await statusEvents(sent.id)).some((e) => e.status === 'delivered'),
      )
    } finally {
      w.h.emulator.control.setWebhookUrl(`${w.h.wahub.config.publicUrl}/webhooks/whatsapp`)
    }
  })

  test('an unlinked `failed` applied afterwards carries Meta’s error code in its event (callbacks read it)', async () => {
    w.h.emulator.control.setWebhookUrl(null)
    try {
      const sent = await sendOk(w, {
        to: '34600000502',
        type: 'template',
        template: { name: 'hello_world', language: 'en_US' },
      })
      const d = await waitStatus(w, sent.id, 'sent')
      await insertUnlinkedStatus(d.wamid as string, '34600000502', 'failed', {
        errors: [{ code: 131026, title: 'Message undeliverable' }],
      })
      await waitStatus(w, sent.id, 'failed', { timeoutMs: 10_000 })
      const event = await waitFor('the failed message.status event', async () =>
        (await statusEvents(sent.id)).find((e) => e.status === 'failed'),
      )
      assert.equal(
        event.errorCode,
        131026,
        'the late failed status names Meta’s code, as one applied in order does',
      )
    } finally {
      w.h.emulator.control.setWebhookUrl(`${w.h.wahub.config.publicUrl}/webhooks/whatsapp`)
    }
  })

  test('two unlinked statuses (delivered, then read) each reach the tenant, in order', async () => {
    w.h.emulator.control.setWebhookUrl(null)
    try {
      const sent = await sendOk(w, {
        to: '34600000503',
        type: 'template',
        template: { name: 'hello_world', language: 'en_US' },
      })
      const d = await waitStatus(w, sent.id, 'sent')
      const at = Date.now()
      for (const [n, status] of ['delivered', 'read'].entries())
        await insertUnlinkedStatus(d.wamid as string, '34600000503', status, { at: at + n * 1000 })
      await waitStatus(w, sent.id, 'read', { timeoutMs: 10_000 })
      const statuses = await waitFor('the read message.status event', async () => {
        const list = (await statusEvents(sent.id)).map((e) => e.status)
        return list.includes('read') && list
      })
      assert.deepEqual(
        statuses,
        ['sent', 'delivered', 'read'],
        'every status the message moved through is an event (a callback), not only the last one',
      )
    } finally {
      w.h.emulator.control.setWebhookUrl(`${w.h.wahub.config.publicUrl}/webhooks/whatsapp`)
    }
  })
})
