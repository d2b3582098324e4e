import type { FirstAdmin } from './first-admin.ts'
import type { SandboxWelcome } from './sandbox.ts'

// What `wahub serve` prints after its start lines: the admin's one-time password (first run
// only), and the Sandbox with a ready curl that sends a template to a simulated customer.

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

export function welcomeText(welcome: Welcome, baseUrl: string): string {
  const out: string[] = []
  if (welcome.admin) {
    out.push(
      '',
      'First run: an admin account was created. Its password is shown only this once.',
      `  Dashboard:  ${baseUrl}/`,
      `  Login:      ${welcome.admin.email}`,
      `  Password:   ${welcome.admin.password}   (one-time: you choose a new one at the first sign-in)`,
    )
  }
  const s = welcome.sandbox
  if (s) {
    const [first] = s.customers
    out.push(
      '',
      'Sandbox: a simulated WhatsApp Cloud API runs inside this process (WAHUB_SANDBOX=off disables it).',
      ...s.numbers.map(
        (n, i) =>
          `  ${i === 0 ? 'Numbers:  ' : '          '}  ${n.display} "${n.verifiedName}" (phone_number_id ${n.phoneNumberId})`,
      ),
      `  Tenant:     ${s.tenantName}, API key ${s.apiKey ? `${s.apiKey}   (shown only this once)` : `${s.apiKeyHint ?? ''} (shown at the first start; a new one: npx wahub apikey create --tenant "${s.tenantName}")`}`,
      `  Customers:  ${s.customers.map((c) => `${c.name} (${c.language})`).join(', ')}`,
      '              write in now and then, and answer what you send them.',
      `  Send ${first?.name ?? 'a customer'} a template:`,
      `    ${sampleCurl(baseUrl, s.apiKey ?? '$WAHUB_API_KEY', first?.waId ?? '34612345678')}`,
      `  Emulator:   ${s.emulatorUrl} (Graph API and /_emulator control routes, docs/EMULATOR.md)`,
      '  Check everything: npx wahub doctor',
    )
  }
  return out.length ? `${out.join('\n')}\n` : ''
}
