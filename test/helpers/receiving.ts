import { Writable } from 'node:stream'
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.ts'
import { newId } from '../../src/ids.ts'
import { createLogger } from '../../src/log.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { testConfig } from './config.ts'
import { createTestDb, type TestDb } from './db.ts'

// A Wahub wired to the emulator over real HTTP, with the emulator's app, WABA and first number
// configured and that number assigned to tenant `acme`. The emulator's other numbers are left
// unknown to Wahub (to exercise unrouted events). Logs are captured for assertions.

export type ReceivingSetup = {
  db: TestDb
  emulator: Emulator
  wahub: Wahub
  tenantId: string
  numberRowId: string
  wabaRowId: string
  logs: () => string
  /** Adds the emulator's number `phoneNumberId` to Wahub under tenant `acme`; returns its row id. */
  addNumber(phoneNumberId: string): Promise<string>
  close(): Promise<void>
}

export async function startReceiving(options: { emulator?: EmulatorOptions } = {}): Promise<ReceivingSetup> {
  const emulator = await startEmulator({
    delays: { sentMs: 5, deliveredMs: 5, readMs: 5 },
    ...options.emulator,
  })
  const db = await createTestDb()
  const chunks: string[] = []
  const log = createLogger(
    'debug',
    new Writable({
      write(chunk, _e, done) {
        chunks.push(chunk.toString())
        done()
      },
    }),
  )
  const wahub = await startWahub(testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_GRAPH_URL: emulator.url }), {
    log,
    handle: db,
  })
  const now = Date.now()
  const seed = emulator.seed
  const appRow = newId('app')
  await db.db
    .insertInto('meta_apps')
    .values({
      id: appRow,
      app_id: seed.appId,
      name: 'Emulator app',
      app_secret_enc: wahub.vault.encrypt(seed.appSecret, `meta_apps.app_secret_enc:${appRow}`),
      verify_token_enc: wahub.vault.encrypt(seed.verifyToken, `meta_apps.verify_token_enc:${appRow}`),
      created_at: now,
      updated_at: now,
    })
    .execute()
  const wabaRowId = newId('waba')
  await db.db
    .insertInto('wabas')
    .values({
      id: wabaRowId,
      waba_id: seed.wabaId,
      meta_app_id: appRow,
      tenant_id: null,
      name: 'Emulator WABA',
      access_token_enc: wahub.vault.encrypt(seed.accessToken, `wabas.access_token_enc:${wabaRowId}`),
      token_last4: seed.accessToken.slice(-4),
      token_type: 'SYSTEM_USER',
      token_expires_at: null,
      api_version: null,
      graph_url: emulator.url,
      created_at: now,
      updated_at: now,
    })
    .execute()
  const tenantId = newId('tn')
  await db.db
    .insertInto('tenants')
    .values({ id: tenantId, name: 'acme', created_at: now, updated_at: now })
    .execute()
  const addNumber = async (phoneNumberId: string) => {
    const id = newId('pn')
    const index = seed.phoneNumberIds.indexOf(phoneNumberId)
    await db.db
      .insertInto('phone_numbers')
      .values({
        id,
        phone_number_id: phoneNumberId,
        waba_id: wabaRowId,
        tenant_id: tenantId,
        display_phone_number: seed.displayNumbers[index] ?? null,
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute()
    return id
  }
  const numberRowId = await addNumber(seed.phoneNumberIds[0])
  emulator.control.setWebhookUrl(`${wahub.url}/webhooks/whatsapp`)
  wahub.secrets.invalidate()
  return {
    db,
    emulator,
    wahub,
    tenantId,
    numberRowId,
    wabaRowId,
    logs: () => chunks.join(''),
    addNumber,
    async close() {
      await emulator.close()
      await wahub.close()
      await db.drop()
    },
  }
}
