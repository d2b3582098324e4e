#!/usr/bin/env node
'use strict'
// `npm test`: runs the whole suite (node:test) on Node 24, against a real database.
//   npm test                      SQLite (a fresh file per test)
//   npm test -- --db postgres     PostgreSQL (a fresh database per test file) at
//                                 WAHUB_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
// Extra arguments are test files or folders (default: test/).
const { spawn } = require('node:child_process')
const path = require('node:path')
const fs = require('node:fs')
const { findNode } = require('./node24.cjs')

const args = process.argv.slice(2)
let db = process.env.WAHUB_TEST_DB || 'sqlite'
const files = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--db') db = args[++i]
  else if (args[i].startsWith('--db=')) db = args[i].slice(5)
  else files.push(args[i])
}
if (!['sqlite', 'postgres'].includes(db)) {
  process.stderr.write(`--db must be sqlite or postgres, got "${db}"\n`)
  process.exit(2)
}

const root = path.join(__dirname, '..')
function collect(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) collect(full, out)
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(root, full))
  }
  return out
}
const targets = (files.length ? files : ['test']).flatMap((target) => {
  const full = path.resolve(root, target)
  return fs.statSync(full).isDirectory() ? collect(full, []).sort() : [path.relative(root, full)]
})

process.stdout.write(`Running ${targets.length} test files on ${db}\n`)
const child = spawn(
  findNode(),
  // No --test-force-exit: on Node 24 it ended files before all their tests ran (error-catalogue:
  // 75 of 93). A file must close what it starts; test/helpers/crash-run.ts shows how on failure.
  ['--test', '--test-concurrency=2', '--test-timeout=120000', '--test-reporter=spec', ...targets],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, WAHUB_TEST_DB: db, LOG_LEVEL: process.env.LOG_LEVEL || 'silent' },
  },
)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, _signal) => process.exit(code === null ? 1 : code))
