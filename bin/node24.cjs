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

module.exports = { findNode, versionOk }
