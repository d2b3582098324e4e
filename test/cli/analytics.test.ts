import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { runWahub } from '../helpers/cli.ts'
import { createTestDb, testDbKind } from '../helpers/db.ts'

// An operator scripts the price table and the figures without the server: `wahub prices
// import` stores Meta's CSV card, and `wahub analytics` prints the rollups (empty here).

test(`wahub prices import and wahub analytics (${testDbKind})`, async () => {
  const db = await createTestDb()
  const env = db.databaseUrl
    ? { DATABASE_URL: db.databaseUrl, WAHUB_DATA_DIR: db.dataDir }
    : { WAHUB_DATA_DIR: db.dataDir }
  try {
    const card = path.join(db.dataDir, 'card.csv')
    fs.writeFileSync(
      card,
      'Market,Currency,Marketing,Utility,Authentication\nArgentina,USD,0.07,0.03,0.03\nRest of Africa,USD,0.02,0.004,0.004\n',
    )
    const tiers = path.join(db.dataDir, 'tiers.csv')
    fs.writeFileSync(
      tiers,
      'Market,Category,Tier,Rate\nArgentina,Utility,1:100000,0.03\nArgentina,Utility,100001:,0.025\n',
    )
    const imported = await runWahub(
      ['prices', 'import', card, '--effective', '2026-01-01', '--tiers', tiers],
      { env },
    )
    assert.equal(imported.code, 0, imported.stderr)
    assert.match(imported.stdout, /USD rate card effective 2026-01-01: 1 markets, volume tiers for 1/)
    assert.match(imported.stdout, /Rest of Africa/, 'the regions it could not map are named')
    const stored = await db.db
      .selectFrom('price_tables')
      .select(['effective_from', 'currency', 'tiers'])
      .execute()
    assert.deepEqual(
      stored.map((r) => [r.effective_from, r.currency]),
      [['2026-01-01', 'USD']],
    )
    assert.deepEqual(JSON.parse(String(stored[0].tiers)).AR.utility, [
      { from: 1, micros: 30_000 },
      { from: 100_001, micros: 25_000 },
    ])
    const summary = await runWahub(['analytics', 'summary'], { env })
    assert.equal(summary.code, 0, summary.stderr)
    assert.match(summary.stdout, /sent\s+delivered\s+read\s+failed/)
  } finally {
    await db.drop()
  }
})
