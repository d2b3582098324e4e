import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { WebhookLedgerEntry } from '../../src/emulator/ledger.ts'
import { testDbKind } from '../helpers/db.ts'
import { type ReceivingSetup, startReceiving } from '../helpers/receiving.ts'
import { waitFor } from '../helpers/wait.ts'

// SPEC §5, §11 (decision 0078): answering Meta never waits on processing. Processing runs on a
// thread of its own, paced by how busy the answering thread is; its backlog is durable and visible.

/**
 * Blocks this thread (the one that answers webhooks) until a separate process sees the message
 * stored, or 20 s pass: processing that needed this thread could not move meanwhile.
 */
function blockUntilStored(h: ReceivingSetup, wamid: string): boolean {
  const script = h.db.databaseUrl
    ? `const pg = require('pg'); const c = new pg.Client(process.argv[1]); const until = Date.now() + 20000;
       (async () => { await c.connect(); for (;;) { const r = await c.query('select 1 from messages where wamid = $1', [process.argv[2]]);
         if (r.rowCount) process.exit(0); if (Date.now() > until) process.exit(1); await new Promise((r) => setTimeout(r, 20)) } })()`
    : `const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1], { readOnly: true });
       const q = db.prepare('select 1 from messages where wamid = ?'); const until = Date.now() + 20000;
       (function poll() { if (q.get(process.argv[2])) process.exit(0); if (Date.now() > until) process.exit(1); setTimeout(poll, 20) })()`
  const result = spawnSync(process.execPath, ['-e', script, h.db.databaseUrl ?? h.db.location, wamid], {
    cwd: root,
    stdio: 'ignore',
  })
  return result.status === 0
}

const root = path.join(import.meta.dirname, '../..')

describe(`webhook processing on its own thread (${testDbKind})`, { skip: testDbKind !== 'postgres' }, () => {
  let h: ReceivingSetup
  before(async () => {
    h = await startReceiving()
  })
  after(async () => {
    await h.close()
  })

  test('a webhook is answered 200 while its processing waits on a lock, and processed once the lock is gone although the answering thread is blocked', {
    skip: testDbKind !== 'postgres',
  }, async () => {
    // A separate process holds the lock processing needs (contacts; the intake writes only
    // webhook_events and jobs) for 3 s, then lets go.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const pg = require('pg'); const c = new pg.Client(process.argv[1]);
         (async () => { await c.connect(); await c.query('BEGIN'); await c.query('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE');
           console.log('locked'); await new Promise((r) => setTimeout(r, 3000)); await c.query('COMMIT'); await c.end() })()`,
        h.db.databaseUrl as string,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout?.on('data', (d) => String(d).includes('locked') && resolve())
        holder.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)))
      })
      const wamid = h.emulator.control.customerSends(
        h.emulator.seed.customers[1].wa_id,
        { type: 'text', text: { body: 'are you open?' } },
        { phoneNumberId: h.emulator.seed.phoneNumberIds[0] },
      ).id
      const delivery = await waitFor('the emulator to record the webhook answered', () =>
        (h.emulator.control.ledger({ kind: 'webhook' }) as WebhookLedgerEntry[]).find(
          (d) => d.body.includes(wamid) && (d.statusCode !== undefined || d.error !== undefined),
        ),
      )
      assert.equal(
        delivery.statusCode,
        200,
        `Meta got 200 although processing could not run (${delivery.error})`,
      )
      assert.equal(
        blockUntilStored(h, wamid),
        true,
        'the message was stored once the lock was gone, while this thread (which answers webhooks) could not run: processing does not need it',
      )
    } finally {
      holder.kill()
    }
  })
})
