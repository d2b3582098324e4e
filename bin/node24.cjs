'use strict'
// Finds a Node.js that can run Wahub's TypeScript directly (type stripping needs >= 22.18).
// The system Node may be older (CI machines ship Node 20), so the `node` npm package, a
// dependency of Wahub, provides Node 24 inside node_modules. Plain CommonJS on purpose:
// this file must run on whatever old Node happens to be on PATH.
const path = require('node:path')
const fs = require('node:fs')
const os = require('node:os')

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

// V8 grows its young generation to 64 MB+ under a high allocation rate. Capped at 4 MB a
// semi-space (each thread's young generation ~8 MB instead of ~17 MB at 8 MB), a campaign of
// 100,000 on PostgreSQL peaked 15-25 MB lower at the same rate (decision 0114); 2 MB, with one
// malloc arena and a smaller statement cache, brought SQLite's under 250 MB (decision 0118). And V8
// lets the old generation grow to about twice the live heap before a full GC: at 5,000
// webhooks/s that took RSS from 200 to 265 MB; growing by 30% at most holds it near 205 MB
// with no throughput lost (bench/ingest.ts; docs/PERFORMANCE.md). Neither is a hard limit.
// Heap flags can only be set when Node starts. (On SQLite the server also asks V8 to favour
// memory, `--optimize-for-size`, once its configuration is read: src/cli/serve.ts, decision 0121.)
const serveFlags = ['--max-semi-space-size=2', '--heap-growing-percent=30']

// Two settings of the environment `wahub serve` runs in (docs/decisions/0110-compile-cache-and-malloc-arenas.md):
// - NODE_COMPILE_CACHE: type stripping loads a WebAssembly TypeScript parser, about 17 MB of
//   resident memory in every thread that imports a .ts file (the server has three on SQLite). With Node's
//   compile cache a module stripped and compiled once is read back from disk, so from the second
//   start on the same code the parser is never loaded (and start-up is faster). The cache is keyed
//   by file content and Node version; a folder that cannot be written only turns it off.
// - MALLOC_ARENA_MAX=1: glibc gives each busy thread its own malloc arena (up to 8 per core), each
//   holding freed memory of its own; two arenas took ~35 MB off the campaign bench's peak RSS
//   (decision 0110), one arena more with 0118's other settings (each thread keeps its own small
//   cache of freed chunks, so the one arena's lock is rarely taken).
//   glibc reads it when the process starts, so it applies to a server started by this launcher
//   (or with it set in its environment, as `npm start` and the Dockerfile do).
function compileCacheDir() {
  if (process.env.NODE_COMPILE_CACHE) return process.env.NODE_COMPILE_CACHE
  const modules = path.join(__dirname, '..', 'node_modules')
  try {
    fs.accessSync(modules, fs.constants.W_OK)
    return path.join(modules, '.cache', 'wahub-compile')
  } catch {
    return path.join(os.tmpdir(), 'wahub-compile-cache')
  }
}

/** The environment `wahub serve` runs with, on top of the caller's (which wins). */
function serveEnv(env = process.env) {
  return { NODE_COMPILE_CACHE: compileCacheDir(), MALLOC_ARENA_MAX: '1', ...env }
}

function missingFlags(execArgv) {
  return serveFlags.filter((flag) => !execArgv.some((a) => a.startsWith(flag.split('=')[0])))
}

module.exports = { findNode, versionOk, serveFlags, missingFlags, serveEnv, compileCacheDir }
