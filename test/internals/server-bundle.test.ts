import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'

// Decision 0115: `wahub serve` runs dist/server only while it is built from the sources as they
// are; a stale or half-installed bundle is never run (the launcher falls back to the sources).
const { freshServerBundle, serverSources, serverEntry, ensureServerBundle } = createRequire(import.meta.url)(
  '../../bin/build-state.cjs',
) as {
  freshServerBundle(dir?: string): string | null
  serverSources(): number
  serverEntry(env?: Record<string, string>): string
  ensureServerBundle(): string
}

function bundleDir(stamp: number | null, main = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-bundle-'))
  if (main) fs.writeFileSync(path.join(dir, 'main.js'), '')
  if (stamp !== null) fs.writeFileSync(path.join(dir, 'sources-mtime'), String(stamp))
  return dir
}

test('a bundle stamped with the newest source time is run', () => {
  const dir = bundleDir(serverSources())
  try {
    assert.equal(freshServerBundle(dir), path.join(dir, 'main.js'))
  } finally {
    fs.rmSync(dir, { recursive: true })
  }
})

test('a bundle older than a source, without its stamp or without main.js is not run', () => {
  for (const [what, dir] of [
    ['older than a source', bundleDir(serverSources() - 1)],
    ['no stamp (its build not finished)', bundleDir(null)],
    ['no main.js', bundleDir(serverSources(), false)],
    ['a stamp that is not a number', bundleDir(Number.NaN)],
  ] as const) {
    try {
      assert.equal(freshServerBundle(dir), null, `a bundle with ${what} must not be run`)
    } finally {
      fs.rmSync(dir, { recursive: true })
    }
  }
})

test('WAHUB_FROM_SOURCE=1 runs the TypeScript sources whatever dist/server holds', () => {
  assert.match(serverEntry({ WAHUB_FROM_SOURCE: '1' }), /src\/cli\/main\.ts$/)
})

test('the bundle is written in Latin-1, so V8 keeps the text of each module at one byte a character', () => {
  // A module's source stays in the heap of every thread that loads it; one character past
  // Latin-1 (an em dash in a message) makes V8 keep the whole text as UTF-16, twice its size.
  const dir = path.dirname(ensureServerBundle())
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = fs.readFileSync(path.join(dir, file), 'utf8')
    let at = 0
    while (at < text.length && text.charCodeAt(at) <= 0xff) at++
    assert.equal(
      at,
      text.length,
      `${file} holds ${JSON.stringify(text[at])} at ${at}: bin/bundle-server.mjs must write ASCII (charset)`,
    )
    for (const m of text.matchAll(/(?:from|import\()\s*"\.\/([\w.-]+\.js)"/g)) visit(m[1])
  }
  for (const entry of ['main.js', 'processor-worker.js', 'sqlite-checkpoint-worker.js']) visit(entry)
  assert.ok(seen.size > 3, `the entries import their chunks (read: ${[...seen].join(', ')})`)
})
