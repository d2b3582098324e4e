import type { CarryResult, SandboxCarryOver } from './carry-over.ts'

// The carry-over as text (`wahub golive --from-sandbox`, and the guide's closing lines).

const label = (t: SandboxCarryOver['templates'][number]): string => {
  if (t.carry === 'submitted')
    return `at Meta: ${t.status ?? '?'}${t.rejectedReason ? ` (${t.rejectedReason})` : ''}`
  if (t.carry === 'not_carried') return `not carried: ${t.reason}`
  return t.origin === 'authored'
    ? 'to submit (made in the Sandbox)'
    : 'to submit if you use it (a Sandbox sample)'
}

export function renderCarryOver(c: SandboxCarryOver): string {
  const out = ['From the Sandbox:']
  out.push(
    c.tenant
      ? `  tenant "${c.tenant.name}" stays, with its users, API keys, canned replies and conversations; it takes the real number as its default.`
      : "  the Sandbox's tenant was removed: assign the real number to a tenant of yours.",
  )
  out.push(
    `  not carried: the Sandbox numbers ${c.numbers.map((n) => n.display ?? n.phoneNumberId).join(', ') || '—'} (the built-in emulator's).`,
  )
  out.push(
    c.target
      ? `  templates go to WABA ${c.target.wabaId}${c.target.name ? ` (${c.target.name})` : ''}:`
      : '  templates (submitted once a real WABA is connected):',
  )
  if (c.templates.length === 0) out.push('    none')
  for (const t of c.templates) out.push(`    ${t.name} (${t.language}, ${t.category}): ${label(t)}`)
  return out.join('\n')
}

export function renderCarryResult(r: CarryResult): string {
  const out: string[] = []
  if (r.tenant) out.push(`Tenant "${r.tenant.name}" now sends from ${r.tenant.number} by default.`)
  for (const t of r.templates) {
    if (t.outcome === 'submitted')
      out.push(`Submitted ${t.name} (${t.language}) for review: ${t.status ?? 'PENDING'}.`)
    else if (t.outcome === 'skipped')
      out.push(`Skipped ${t.name} (${t.language}): already at Meta (${t.status ?? '?'}) or not carried.`)
    else out.push(`Failed ${t.name} (${t.language}): ${t.error?.message} Fix: ${t.error?.fix}`)
  }
  out.push('', renderCarryOver(r.carryOver))
  return `${out.join('\n')}\n`
}
