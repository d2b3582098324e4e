#!/usr/bin/env node
'use strict'
// Builds the dashboard (web/, React + Vite) into web/dist, which `wahub serve` serves at `/`.
//   npm run build:web              always builds
//   node bin/build-web.cjs --if-stale
//                                  (npm start's prestart) builds only when web/dist is missing or
//                                  older than a source file; a failed build then only warns, so
//                                  the API and the webhook still start.
// Plain CommonJS on purpose, like the other launchers: it must run on an old system Node.
const path = require('node:path')
const fs = require('node:fs')
const { spawnSync } = require('node:child_process')
const { findNode } = require('./node24.cjs')
const { newestMtime } = require('./build-state.cjs')

const root = path.join(__dirname, '..')
const web = path.join(root, 'web')
const built = path.join(web, 'dist', 'index.html')
const ifStale = process.argv.includes('--if-stale')

if (ifStale) {
  const builtAt = fs.statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0
  const sourcesAt = Math.max(newestMtime(web), newestMtime(path.join(root, 'package-lock.json')))
  if (builtAt > sourcesAt) process.exit(0)
  process.stdout.write(
    builtAt ? 'Dashboard sources changed: rebuilding web/dist\n' : 'Building the dashboard (web/dist)\n',
  )
}

const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
let status = 1
if (fs.existsSync(vite)) {
  const started = Date.now()
  const run = spawnSync(findNode(), [vite, 'build', web, '--logLevel', ifStale ? 'warn' : 'info'], {
    cwd: root,
    stdio: 'inherit',
  })
  status = run.status === null ? 1 : run.status
  if (status === 0 && ifStale) process.stdout.write(`Dashboard built in ${Date.now() - started} ms\n`)
} else {
  process.stderr.write(
    'vite is not installed: run `npm install` in the Wahub folder, then `npm run build:web`.\n',
  )
}
if (status !== 0 && ifStale) {
  // The API and the webhook must still start; `/` then says how to build the dashboard.
  process.stderr.write(
    fs.existsSync(built)
      ? 'The dashboard build failed: serving the previous build of web/dist.\n'
      : 'The dashboard build failed: the API starts without it (see the errors above; `npm run build:web` retries).\n',
  )
  process.exit(0)
}
process.exit(status)
