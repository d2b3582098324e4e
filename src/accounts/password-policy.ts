import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { adjacencyGraphs, dictionary as commonWords } from '@zxcvbn-ts/language-common'
import { dictionary as englishWords, translations } from '@zxcvbn-ts/language-en'

// Password policy (issue 12): length, and zxcvbn's estimate against its maintained lists of
// common and breached passwords, names and keyboard patterns (`aaaaaaaaaa`, `password123`,
// `qwertyuiop` are refused) — not a hand-kept list. Score 3 of 4 ("safely unguessable:
// moderate protection from offline slow-hash scenario") is the bar. The factory loads its
// dictionaries once, on first use.

const minScore = 3
let factory: ZxcvbnFactory | undefined

function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonWords, ...englishWords },
  })
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
