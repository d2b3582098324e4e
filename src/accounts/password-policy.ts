import { createRequire } from 'node:module'
import path from 'node:path'
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'

// Password policy (issue 12): length, and zxcvbn's estimate against its maintained lists of
// common and breached passwords, names and keyboard patterns (`aaaaaaaaaa`, `password123`,
// `qwertyuiop` are refused) — not a hand-kept list. Score 3 of 4 ("safely unguessable:
// moderate protection from offline slow-hash scenario") is the bar.
// Its dictionaries cost ~27 MB of heap (~55 MB of RSS) once loaded, and a server sets a
// password rarely: they are loaded on first use, not at start, and the estimator (the larger
// half, its ranked dictionaries) is let go after ten idle minutes with the modules' cache entries.

const minScore = 3
const idleMs = 10 * 60_000
const require = createRequire(import.meta.url)
const packagePath = `${path.sep}@zxcvbn-ts${path.sep}`
let factory: ZxcvbnFactory | undefined
let release: NodeJS.Timeout | undefined

function estimator(): ZxcvbnFactory {
  if (!factory) {
    const core = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core')
    const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common')
    const english = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en')
    factory = new core.ZxcvbnFactory({
      translations: english.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...english.dictionary },
    })
  }
  clearTimeout(release)
  release = setTimeout(() => {
    factory = undefined
    for (const [key, m] of Object.entries(require.cache)) {
      if (!key.includes(packagePath)) continue
      const at = m?.parent?.children.indexOf(m) ?? -1
      if (at >= 0) m?.parent?.children.splice(at, 1)
      delete require.cache[key]
    }
  }, idleMs)
  release.unref()
  return factory
}

/** Why the password is refused (a sentence fit after "password "), or undefined when it is fine. */
export function checkPasswordStrength(password: string, userInputs: string[] = []): string | undefined {
  if (password.length < 10) return 'must be at least 10 characters'
  if (password.length > 200) return 'must be at most 200 characters'
  // zxcvbn's matching grows faster than linearly (seconds for 200 characters): the first 72
  // decide; a passphrase that long with a weak start is still refused.
  const result = estimator().check(password.slice(0, 72), [...userInputs, 'wahub', 'whatsapp'])
  if (result.score >= minScore) return undefined
  const hint = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ')
  return `is too easy to guess${hint ? ` (${hint.replace(/\.$/, '')})` : ''}: use a longer passphrase of unrelated words`
}
