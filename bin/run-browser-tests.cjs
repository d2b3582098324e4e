#!/usr/bin/env node
'use strict'
// `npm run test:browser`: the dashboard's end-to-end tests (test-browser/, node:test) in Debian's
// Chromium driven by playwright-core. Kept out of `npm test` so that suite stays fast and needs
// no browser. Builds web/dist first when it is missing or stale.
//   npm run test:browser                       every test-browser/**/*.test.ts, on SQLite
//   npm run test:browser -- --db postgres      on PostgreSQL
//   npm run test:browser -- test-browser/x.test.ts
//   npm run screenshots                        writes docs/screenshots/*.png (test-browser/screenshots.ts)
// Chromium: /usr/bin/chromium (`apt-get install -y chromium`), or WAHUB_CHROMIUM. Never downloaded.
const { spawn, spawnSync } = require('node:child_process')
const path = require('node:path')
const fs = require('node:fs')
const { findNode } = require('./node24.cjs')

const root = path.join(__dirname, '..')
const args = process.argv.slice(2)
let db = process.env.WAHUB_TEST_DB || 'sqlite'
let screenshots = false
const files = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--db') db = args[++i]
  else if (args[i].startsWith('--db=')) db = args[i].slice(5)
  else if (args[i] === '--screenshots') screenshots = true
  else files.push(args[i])
}
if (!['sqlite', 'postgres'].includes(db)) {
  process.stderr.write(`--db must be sqlite or postgres, got "${db}"\n`)
  process.exit(2)
}

const chromium = process.env.WAHUB_CHROMIUM || '/usr/bin/chromium'
if (!fs.existsSync(chromium)) {
  process.stderr.write(
    `Chromium is not installed at ${chromium}.\n` +
      "Fix: install Debian's package (apt-get update && apt-get install -y chromium), or set WAHUB_CHROMIUM to a Chromium binary. The tests never download a browser.\n",
  )
  process.exit(1)
}

const build = spawnSync(findNode(), [path.join(__dirname, 'build-web.cjs'), '--if-stale'], {
  cwd: root,
  stdio: 'inherit',
})
if (build.status !== 0 || !fs.existsSync(path.join(root, 'web', 'dist', 'index.html'))) {
  process.stderr.write('The dashboard could not be built (npm run build:web shows why).\n')
  process.exit(1)
}

function collect(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) collect(full, out)
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(root, full))
  }
  return out
}

const env = {
  ...process.env,
  WAHUB_TEST_DB: db,
  WAHUB_CHROMIUM: chromium,
  LOG_LEVEL: process.env.LOG_LEVEL || 'silent',
}
let child
if (screenshots) {
  process.stdout.write(`Taking screenshots on ${db}\n`)
  child = spawn(findNode(), [path.join('test-browser', 'screenshots.ts')], {
    cwd: root,
    stdio: 'inherit',
    env,
  })
} else {
  const targets = (files.length ? files : ['test-browser']).flatMap((target) => {
    const full = path.resolve(root, target)
    return fs.statSync(full).isDirectory() ? collect(full, []).sort() : [path.relative(root, full)]
  })
  process.stdout.write(`Running ${targets.length} browser test files on ${db} with ${chromium}\n`)
  // One file at a time: each runs a Wahub, the emulator and a Chromium on a 2-core machine.
  child = spawn(
    findNode(),
    ['--test', '--test-concurrency=1', '--test-timeout=180000', '--test-reporter=spec', ...targets],
    { cwd: root, stdio: 'inherit', env },
  )
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code === null ? 1 : code))
