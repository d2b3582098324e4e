import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { seedChannel } from './channel-fixture.ts'
import { testConfig } from './config.ts'
import { createTestDb, type TestDb } from './db.ts'
import { captureLog } from './log-capture.ts'

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
  const { log, text } = captureLog('debug')
  const wahub = await startWahub(testConfig({ WAHUB_DATA_DIR: db.dataDir, WAHUB_GRAPH_URL: emulator.url }), {
    log,
    handle: db,
  })
  const { tenantId, numberRowId, wabaRowId, addNumber } = await seedChannel(db.db, wahub.vault, {
    appId: emulator.seed.appId,
    appSecret: emulator.seed.appSecret,
    verifyToken: emulator.seed.verifyToken,
    wabaId: emulator.seed.wabaId,
    accessToken: emulator.seed.accessToken,
    graphUrl: emulator.url,
    phoneNumberIds: emulator.seed.phoneNumberIds,
    displayNumbers: emulator.seed.displayNumbers,
  })
  emulator.control.setWebhookUrl(`${wahub.url}/webhooks/whatsapp`)
  wahub.secrets.invalidate()
  return {
    db,
    emulator,
    wahub,
    tenantId,
    numberRowId,
    wabaRowId,
    logs: text,
    addNumber,
    async close() {
      await emulator.close()
      await wahub.close()
      await db.drop()
    },
  }
}
