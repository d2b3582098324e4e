'use strict'
// Whether a build output is older than its sources: shared by the dashboard's build
// (bin/build-web.cjs) and the server's (bin/build-server.cjs, bin/wahub.cjs). Plain CommonJS on
// purpose, like the other launchers: it must run on an old system Node.
const path = require('node:path')
const fs = require('node:fs')
const { spawnSync } = require('node:child_process')

const root = path.join(__dirname, '..')

/** The newest modification time under `target` (a file or a folder), dist and node_modules left out. */
function newestMtime(target) {
  const stat = fs.statSync(target, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'dist' || entry === 'node_modules') continue
    newest = Math.max(newest, newestMtime(path.join(target, entry)))
  }
  return newest
}

// The server's bundle (decision 0115): dist/server, with a stamp holding the newest modification
// time of its sources when the build started.
const serverBundle = path.join(root, 'dist', 'server')
const serverStamp = path.join(serverBundle, 'sources-mtime')
const serverSources = () =>
  Math.max(
    newestMtime(path.join(root, 'src')),
    newestMtime(path.join(root, 'package-lock.json')),
    newestMtime(path.join(root, 'bin', 'bundle-server.mjs')),
  )

/**
 * The bundled server's entry when `dir` (dist/server) holds a whole bundle built from the sources
 * as they are now, else null: no stamp (a build not finished), no main.js, or a source newer.
 */
function freshServerBundle(dir = serverBundle) {
  let stamp
  try {
    stamp = Number(fs.readFileSync(path.join(dir, path.basename(serverStamp)), 'utf8'))
  } catch {
    return null
  }
  const main = path.join(dir, 'main.js')
  if (!Number.isFinite(stamp) || !fs.existsSync(main) || serverSources() > stamp) return null
  return main
}

/**
 * What `wahub serve` and `wahub emulator` run: the bundle when it is fresh (npm start builds it),
 * else the TypeScript sources. WAHUB_FROM_SOURCE=1 always picks the sources.
 */
function serverEntry(env = process.env) {
  const source = path.join(root, 'src', 'cli', 'main.ts')
  if (env.WAHUB_FROM_SOURCE === '1') return source
  return freshServerBundle() ?? source
}

/**
 * Builds dist/server unless it is fresh (`bin/build-server.cjs --if-stale`, as npm start does) and
 * answers its entry; throws with the build's output when there is still no fresh bundle (the
 * build only warns then, so its exit status cannot tell).
 */
function ensureServerBundle() {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'build-server.cjs'), '--if-stale'], {
    encoding: 'utf8',
  })
  const main = freshServerBundle()
  if (!main)
    throw new Error(
      `The server bundle could not be built (bin/build-server.cjs):\n${run.stdout}${run.stderr}`,
    )
  return main
}

module.exports = {
  newestMtime,
  serverBundle,
  serverStamp,
  serverSources,
  freshServerBundle,
  serverEntry,
  ensureServerBundle,
}
