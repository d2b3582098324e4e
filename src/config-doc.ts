import { configVariables } from './config.ts'

/** The text of .env.example, rendered from the documented variables (a test compares). */
export function renderEnvExample(): string {
  const lines = [
    '# Wahub configuration. Copy to .env (or set in the environment); every line is optional.',
    '# Generated from src/config.ts: `npm run --silent wahub -- config example > .env.example`.',
    '',
  ]
  for (const v of configVariables) {
    lines.push(`# ${v.description}`)
    lines.push(`# ${v.name}=${v.default}`, '')
  }
  return `${lines.join('\n').trimEnd()}\n`
}
