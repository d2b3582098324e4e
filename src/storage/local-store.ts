import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { ensurePrivateDir } from '../db/private-files.ts'
import type { MediaStore } from './media-store.ts'

// Media in a directory (the data directory by default): files 0600 in folders 0700, written to a
// `.part` file and renamed, so a reader never sees half a file.

export function createLocalStore(root: string): MediaStore {
  const file = (key: string) => {
    const full = path.resolve(root, key)
    if (!full.startsWith(path.resolve(root) + path.sep))
      throw new Error(`key outside the media folder: ${key}`)
    return full
  }
  return {
    location: `file://${path.resolve(root)}`,
    async put(key, bytes) {
      const target = file(key)
      ensurePrivateDir(path.dirname(target)) // owner-only, also when an older version left it looser
      await fsp.writeFile(`${target}.part`, bytes, { mode: 0o600 })
      await fsp.rename(`${target}.part`, target)
    },
    async head(key, length) {
      const handle = await fsp.open(file(key), 'r')
      try {
        const buffer = Buffer.alloc(length)
        const { bytesRead } = await handle.read(buffer, 0, length, 0)
        return buffer.subarray(0, bytesRead)
      } finally {
        await handle.close()
      }
    },
    async get(key) {
      const target = file(key)
      let size: number
      try {
        size = (await fsp.stat(target)).size
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      }
      return { body: fs.createReadStream(target), size }
    },
    async check() {
      const key = `media/.probe-${process.pid}`
      await this.put(key, Buffer.from('probe'), 'text/plain')
      await fsp.rm(file(key), { force: true })
    },
  }
}
