#!/usr/bin/env node
'use strict'
// Bundles the server into dist/server, which `wahub serve` runs when it is fresh (decision 0115:
// one file of plain JavaScript instead of ~2,400 modules takes ~40 MB off the server's memory).
//   npm run build:server           always builds
//   node bin/build-server.cjs --if-stale
//                                  (npm start's prestart) builds only when dist/server is missing
//                                  or older than a source file; a failed build then only warns,
//                                  and the server runs from its TypeScript sources.
// The new bundle is built beside dist/server and moved in file by file: its chunks (named by their
// content) first, the entries and the stamp last, so a server starting meanwhile reads one whole
// bundle or the other, and one already running from the old entries still finds the chunks it
// loads later (kept a day). Plain CommonJS on purpose, like the other launchers.
const path = require('node:path')
const fs = require('node:fs')
const { spawnSync } = require('node:child_process')
const { findNode } = require('./node24.cjs')
const { serverBundle, serverStamp, serverSources, freshServerBundle } = require('./build-state.cjs')

const ifStale = process.argv.includes('--if-stale')
if (ifStale && freshServerBundle()) process.exit(0)

const root = path.join(__dirname, '..')
const started = Date.now()
// Taken before the build: a source saved while it runs makes the new bundle stale at once.
const sourcesAt = serverSources()
const building = path.join(root, 'dist', `.server-${process.pid}`)
fs.rmSync(building, { recursive: true, force: true })
let status = 1
if (fs.existsSync(path.join(root, 'node_modules', 'rolldown'))) {
  if (ifStale) process.stdout.write('Bundling the server (dist/server)\n')
  const run = spawnSync(findNode(), [path.join(__dirname, 'bundle-server.mjs'), building], {
    cwd: root,
    stdio: 'inherit',
  })
  status = run.status === null ? 1 : run.status
} else {
  process.stderr.write(
    'rolldown is not installed: run `npm install` in the Wahub folder, then `npm run build:server`.\n',
  )
}
if (status === 0) {
  install(building)
  process.stdout.write(`Server bundled in ${Date.now() - started} ms\n`)
} else {
  fs.rmSync(building, { recursive: true, force: true })
  if (ifStale) {
    // The server still starts, from its sources.
    process.stderr.write(
      'The server bundle failed to build: Wahub runs from its TypeScript sources (see above).\n',
    )
    process.exit(0)
  }
}
process.exit(status)

function install(from) {
  const day = 24 * 3600 * 1000
  fs.mkdirSync(serverBundle, { recursive: true })
  const files = fs.readdirSync(from)
  const isChunk = (name) => name.startsWith('chunk-')
  // The stamp last of all: until it is written the bundle counts as stale and is not run.
  fs.rmSync(serverStamp, { force: true })
  for (const name of [
    ...files.filter(isChunk),
    ...files.filter((n) => !isChunk(n) && n !== path.basename(serverStamp)),
  ])
    fs.renameSync(path.join(from, name), path.join(serverBundle, name))
  fs.writeFileSync(path.join(from, path.basename(serverStamp)), String(sourcesAt))
  fs.renameSync(path.join(from, path.basename(serverStamp)), serverStamp)
  fs.rmSync(from, { recursive: true, force: true })
  for (const name of fs.readdirSync(serverBundle)) {
    const file = path.join(serverBundle, name)
    if (isChunk(name) && !files.includes(name) && Date.now() - fs.statSync(file).mtimeMs > day)
      fs.rmSync(file)
  }
}
