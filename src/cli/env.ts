import fs from 'node:fs'
import path from 'node:path'
import { parseEnv } from 'node:util'

/**
 * The process environment merged over `.env` in the working directory (SPEC §3): a variable
 * set in the real environment wins over the file.
 */
export function readEnv(
  processEnv: Record<string, string | undefined>,
  cwd: string,
): Record<string, string | undefined> {
  const file = path.join(cwd, '.env')
  if (!fs.existsSync(file)) return { ...processEnv }
  const fromFile = parseEnv(fs.readFileSync(file, 'utf8'))
  return { ...fromFile, ...processEnv }
}
