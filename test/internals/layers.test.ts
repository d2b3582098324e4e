import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'

// docs/ARCHITECTURE.md, "Layers": domains are ordered and a domain imports only those below it
// (or beside it where the table says so). A lower domain that must make a higher one act
// announces it (a job or an `events` row) instead of calling up — e.g. channels/ queues
// `webhook.replay` rather than calling webhooks/. This reads every import under src/.

const src = path.join(import.meta.dirname, '..', '..', 'src')

// Lowest first: the files directly in src/ (config, log, errors, ids, metrics — not wahub.ts),
// which may import each other, then the folders. A folder may import another of its own layer
// only where `beside` lists it.
const layers: string[][] = [
  [],
  ['db', 'jobs', 'cloud-api', 'storage'],
  ['channels', 'events'],
  ['inbox', 'templates', 'accounts'],
  ['delivery', 'messaging'],
  ['campaigns'],
  // analytics/ reads only db/ and cloud-api/; the webhook thread runs its fold (decision 0092).
  ['analytics'],
  ['webhooks', 'widget'],
  ['sandbox', 'diagnostics', 'onboarding'],
  ['http', 'cli', 'wahub.ts'],
]
const beside: Record<string, string[]> = {
  db: ['jobs'],
  storage: ['db'],
  jobs: ['db'],
  inbox: ['accounts'],
  messaging: ['inbox', 'templates'],
  diagnostics: ['sandbox'],
  http: ['cli'],
  cli: ['http', 'wahub.ts'],
  'wahub.ts': ['http'],
}
// The Cloud API emulator stands apart: it imports only Meta's wire format, and only the Sandbox
// and the CLI start one.
const emulatorUsers = new Set(['sandbox', 'cli'])

const baseFile = (top: string) => top.endsWith('.ts') && top !== 'wahub.ts'

function rankOf(top: string): number {
  return baseFile(top) ? 0 : layers.findIndex((l) => l.includes(top))
}

function* sources(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* sources(full)
    else if (/\.tsx?$/.test(entry.name)) yield full
  }
}

const topOf = (file: string) => path.relative(src, file).split(path.sep)[0]

test('no module under src/ imports a layer above its own (ARCHITECTURE.md, Layers)', () => {
  const wrong: string[] = []
  for (const file of sources(src)) {
    const from = topOf(file)
    const text = fs.readFileSync(file, 'utf8')
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1])
      if (!target.startsWith(src)) continue
      const to = topOf(target)
      if (to === from) continue
      const where = `${path.relative(src, file)} imports ${m[1]}`
      if (from === 'emulator') {
        if (to !== 'cloud-api') wrong.push(`${where}: the emulator imports only cloud-api/`)
        continue
      }
      if (to === 'emulator') {
        if (!emulatorUsers.has(from)) wrong.push(`${where}: only sandbox/ and cli/ start the emulator`)
        continue
      }
      const [a, b] = [rankOf(from), rankOf(to)]
      assert.ok(a >= 0, `${from} is in no layer of this test: add it where ARCHITECTURE.md draws it`)
      assert.ok(b >= 0, `${to} is in no layer of this test: add it where ARCHITECTURE.md draws it`)
      if (b > a || (b === a && a > 0 && !beside[from]?.includes(to)))
        wrong.push(`${where}: ${to} is above ${from} (announce a job or an event instead of calling up)`)
    }
  }
  assert.deepEqual(wrong, [], `imports against the layering:\n${wrong.join('\n')}`)
})
