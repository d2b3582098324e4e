import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

// `npm run bench` runs every benchmark under bench/ (each prints its own table);
// `npm run bench -- ingest` runs bench/ingest.ts only.
const dir = import.meta.dirname
const helpers = new Set(['run.ts', 'lib.ts', 'bare-server.ts'])
const all = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !helpers.has(f))
  .map((f) => f.replace(/\.ts$/, ''))
const wanted = process.argv.slice(2)
for (const name of wanted) {
  if (!all.includes(name)) {
    console.error(`no benchmark "${name}"; there are: ${all.join(', ')}`)
    process.exit(2)
  }
}
let failed = 0
for (const name of wanted.length ? wanted : all) {
  console.log(`\n## bench/${name}.ts`)
  const result = spawnSync(process.execPath, [path.join(dir, `${name}.ts`)], { stdio: 'inherit' })
  if (result.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
