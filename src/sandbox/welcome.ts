import fs from 'node:fs'
import path from 'node:path'
import { ensurePrivateDir, tightenFile } from '../db/private-files.ts'
import type { FirstAdmin } from './first-admin.ts'
import type { SandboxWelcome } from './sandbox.ts'

// What `wahub serve` prints after its start lines: the admin's one-time password (first run
// only), and the Sandbox with a ready curl that sends a template to a simulated customer.
// The password and the API key never pass through the logger, and reach stdout only when it is
// a terminal: a captured stdout (systemd, Docker, a CI log) is a log stream kept and shipped
// elsewhere, so there they are written to an owner-only file instead (issue 12, decision 0040).

/** Where the first-run secrets go when stdout is not a terminal (inside WAHUB_DATA_DIR). */
export const credentialsFileName = 'first-run-credentials.txt'

export type Welcome = { admin?: FirstAdmin; sandbox?: SandboxWelcome }

/** The documented template send of seed 001 (po_notification, Spanish, three body parameters). */
export function sampleSendBody(to: string): Record<string, unknown> {
  return {
    to,
    type: 'template',
    template: {
      name: 'po_notification',
      language: { code: 'es' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Juan García' },
            { type: 'text', text: 'PO-12345' },
            { type: 'text', text: '€250.50' },
          ],
        },
      ],
    },
  }
}

export function sampleCurl(baseUrl: string, key: string, to: string): string {
  return [
    `curl -X POST ${baseUrl}/api/v1/messages \\`,
    // A shell variable needs double quotes to expand; a literal key is safest in single quotes.
    `      -H ${key.startsWith('$') ? `"Authorization: Bearer ${key}"` : `'Authorization: Bearer ${key}'`} -H 'Content-Type: application/json' \\`,
    `      -d '${JSON.stringify(sampleSendBody(to))}'`,
  ].join('\n')
}

/** True when the welcome holds a secret shown once (the admin's password, the Sandbox's key). */
export function hasSecrets(welcome: Welcome): boolean {
  return Boolean(welcome.admin || welcome.sandbox?.apiKey)
}

/**
 * The banner. With `secretsFile`, the password and the key are not in it: each line says they
 * are in that file (see `writeCredentialsFile`), and the curl reads the key from $WAHUB_API_KEY.
 */
export function welcomeText(welcome: Welcome, baseUrl: string, secretsFile?: string): string {
  const out: string[] = []
  if (welcome.admin) {
    out.push(
      '',
      secretsFile
        ? `First run: an admin account was created. Its one-time password is in ${secretsFile} (mode 0600; stdout is not a terminal).`
        : 'First run: an admin account was created. Its password is shown only this once.',
      `  Dashboard:  ${baseUrl}/`,
      `  Login:      ${welcome.admin.email}`,
      secretsFile
        ? `  Password:   in ${secretsFile}   (one-time: you choose a new one at the first sign-in; then delete the file)`
        : `  Password:   ${welcome.admin.password}   (one-time: you choose a new one at the first sign-in)`,
    )
  }
  const s = welcome.sandbox
  if (s) {
    const [first] = s.customers
    const shownKey = secretsFile ? null : s.apiKey
    const keyText = shownKey
      ? `${shownKey}   (shown only this once)`
      : s.apiKey
        ? `in ${secretsFile}   (shown only this once; export it as WAHUB_API_KEY for the curl below)`
        : `${s.apiKeyHint ?? ''} (shown at the first start; a new one: npx wahub apikey create --tenant "${s.tenantName}")`
    out.push(
      '',
      'Sandbox: a simulated WhatsApp Cloud API runs inside this process (WAHUB_SANDBOX=off disables it).',
      ...s.numbers.map(
        (n, i) =>
          `  ${i === 0 ? 'Numbers:  ' : '          '}  ${n.display} "${n.verifiedName}" (phone_number_id ${n.phoneNumberId})`,
      ),
      `  Tenant:     ${s.tenantName}, API key ${keyText}`,
      `  Customers:  ${s.customers.map((c) => `${c.name} (${c.language})`).join(', ')}`,
      '              write in now and then, and answer what you send them.',
      `  Send ${first?.name ?? 'a customer'} a template:`,
      `    ${sampleCurl(baseUrl, shownKey ?? '$WAHUB_API_KEY', first?.waId ?? '34612345678')}`,
      `  Emulator:   ${s.emulatorUrl} (Graph API and /_emulator control routes, docs/EMULATOR.md)`,
      '  Check everything: npx wahub doctor',
    )
  }
  return out.length ? `${out.join('\n')}\n` : ''
}

/**
 * Writes the first-run secrets to `<dataDir>/first-run-credentials.txt`, owner-only (0600 in a
 * 0700 directory, tightened before the secret is written), and returns its path.
 */
export function writeCredentialsFile(dataDir: string, welcome: Welcome, baseUrl: string): string {
  ensurePrivateDir(dataDir)
  const file = path.join(dataDir, credentialsFileName)
  const lines = [
    `Wahub first-run credentials, written ${new Date().toISOString()}. Shown once: delete this file once you have them.`,
  ]
  if (welcome.admin) {
    lines.push(
      `Dashboard: ${baseUrl}/`,
      `Login:     ${welcome.admin.email}`,
      `Password:  ${welcome.admin.password}   (one-time: you choose a new one at the first sign-in)`,
    )
  }
  const s = welcome.sandbox
  if (s?.apiKey) {
    const to = s.customers[0]?.waId ?? '34612345678'
    lines.push(`Sandbox API key (tenant ${s.tenantName}): ${s.apiKey}`, sampleCurl(baseUrl, s.apiKey, to))
  }
  tightenFile(file) // a file left by an earlier first run: owner-only before the secret goes in
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 })
  return file
}
