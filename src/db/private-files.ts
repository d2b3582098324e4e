import fs from 'node:fs'
import path from 'node:path'

// SPEC §12, issue 12: what Wahub keeps under WAHUB_DATA_DIR (the SQLite database and its -wal
// and -shm, media, secret.key, the first-run credentials) is readable by its owner only. The
// directory is 0700 and every file 0600, also when they were left looser by an older version or
// a restored backup (decision 0040).

const privateDirMode = 0o700
const privateFileMode = 0o600

/** Creates `dir` (and parents) owner-only, or tightens it when it exists with group/other bits. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: privateDirMode })
  tighten(dir, privateDirMode)
}

/** Tightens `file` to 0600 when it exists with group/other bits; absent files are left absent. */
export function tightenFile(file: string): void {
  tighten(file, privateFileMode)
}

/** Creates `file` empty and 0600 when absent (so what opens it later inherits owner-only). */
export function createPrivateFile(file: string): void {
  ensurePrivateDir(path.dirname(file))
  fs.closeSync(fs.openSync(file, 'a', privateFileMode))
  tightenFile(file)
}

function tighten(target: string, mode: number): void {
  let current: number
  try {
    current = fs.statSync(target).mode & 0o777
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  if (current & 0o077) fs.chmodSync(target, current & mode)
}

/**
 * Prepares an SQLite database file: created 0600 before SQLite opens it, so SQLite creates its
 * -wal and -shm with the same owner-only mode (it copies the database file's permissions); older
 * ones are tightened too.
 */
export function preparePrivateSqlite(file: string): void {
  createPrivateFile(file)
  for (const suffix of ['-wal', '-shm', '-journal']) tightenFile(`${file}${suffix}`)
}
