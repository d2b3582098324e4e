#!/usr/bin/env node
'use strict'
// Entry point of the `wahub` command: runs src/cli/main.ts on a Node that strips types — or, for
// the long-running commands, the bundle npm start builds from it when that is fresh (decision 0115).
const path = require('node:path')
const { spawn } = require('node:child_process')
const { pathToFileURL } = require('node:url')
const { findNode, missingFlags, serveFlags, serveEnv, compileCacheDir } = require('./node24.cjs')
const { serverEntry } = require('./build-state.cjs')

const node = findNode()
const longRunning = ['serve', 'emulator'].includes(process.argv[2])
const main = longRunning ? serverEntry() : path.join(__dirname, '..', 'src', 'cli', 'main.ts')
const sameNode = node === process.execPath
// On another Node (the system one was too old) nothing of this process's flags carries over.
const flags = !longRunning ? [] : sameNode ? missingFlags(process.execArgv) : serveFlags
if (sameNode && flags.length === 0) {
  if (longRunning) {
    // This process imports the TypeScript itself: the compile cache must be on before it does,
    // and its worker threads read the variable (node24.cjs says why).
    process.env.NODE_COMPILE_CACHE = compileCacheDir()
    require('node:module').enableCompileCache?.(process.env.NODE_COMPILE_CACHE)
  }
  import(pathToFileURL(main).href).catch((err) => {
    process.stderr.write(`${err?.stack ? err.stack : err}\n`)
    process.exit(1)
  })
} else {
  // Old system Node, or a server started without its memory flags: run Node 24 with them,
  // forwarding signals so `kill` reaches the server.
  const inherited = sameNode ? process.execArgv : []
  const child = spawn(node, [...inherited, ...flags, main, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: longRunning ? serveEnv() : process.env,
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code === null ? (signal === 'SIGKILL' ? 137 : 1) : code))
}
