'use strict'
// Finds a Node.js that can run Wahub's TypeScript directly (type stripping needs >= 22.18).
// The system Node may be older (CI machines ship Node 20), so the `node` npm package, a
// dependency of Wahub, provides Node 24 inside node_modules. Plain CommonJS on purpose:
// this file must run on whatever old Node happens to be on PATH.
const path = require('node:path')
const fs = require('node:fs')

function versionOk(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number)
  return major > 22 || (major === 22 && minor >= 18)
}

function findNode() {
  if (versionOk(process.version)) return process.execPath
  const candidates = [
    path.join(__dirname, '..', 'node_modules', 'node', 'bin', 'node'),
    path.join(__dirname, '..', 'node_modules', '.bin', 'node'),
  ]
  for (const candidate of candidates) if (fs.existsSync(candidate)) return candidate
  process.stderr.write(
    `wahub needs Node.js >= 22.18 but found ${process.version}, and node_modules has no Node 24.\n` +
      'Fix: run `npm install` in the Wahub folder (it installs Node 24 from the npm registry).\n',
  )
  process.exit(1)
}

// V8 grows its young generation to 64 MB+ under a high allocation rate; capped at 8 MB,
// `wahub serve` stays near 170 MB RSS at full webhook load with the same throughput. And V8
// lets the old generation grow to about twice the live heap before a full GC: at 5,000
// webhooks/s that took RSS from 200 to 265 MB; growing by 30% at most holds it near 205 MB
// with no throughput lost (bench/ingest.ts; docs/PERFORMANCE.md). Neither is a hard limit.
// Heap flags can only be set when Node starts.
const serveFlags = ['--max-semi-space-size=8', '--heap-growing-percent=30']

function missingFlags(execArgv) {
  return serveFlags.filter((flag) => !execArgv.some((a) => a.startsWith(flag.split('=')[0])))
}

module.exports = { findNode, versionOk, serveFlags, missingFlags }
