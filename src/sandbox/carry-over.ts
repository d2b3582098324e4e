import type { ChannelsContext } from '../channels/context.ts'
import { getTenant, updateTenant } from '../channels/tenants.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { createTemplate } from '../templates/authoring.ts'
import { listTemplates, type StoredTemplate } from '../templates/templates-repo.ts'
import { realWaba, sandboxWaba } from './sandbox-repo.ts'
import { sampleTemplates } from './sandbox-seed.ts'
import { readSandboxState } from './sandbox-state.ts'

// "Go live" from the Sandbox (issue 21, decision 0083): what the Sandbox leaves to a real WABA
// and number. The tenant (with its users, API keys, canned replies and history) stays and takes
// the real number as its default; the Sandbox's numbers are not carried (they are the
// emulator's); templates made in the Sandbox are offered for submission to the real WABA, and
// each one's review is then read from the real WABA's own template row (kept in step by Meta's
// status webhooks), so nothing here needs a table of its own.

/**
 * offered: the real WABA lacks it and it can be submitted · submitted: the real WABA has it
 * (status = Meta's review there) · not_carried: cannot go as it is (reason says why).
 */
export type CarryState = 'offered' | 'submitted' | 'not_carried'

export type CarriedTemplate = {
  name: string
  language: string
  category: string
  /** authored: made in the Sandbox by someone here · sample: one of the Sandbox's samples. */
  origin: 'authored' | 'sample'
  carry: CarryState
  /** The real WABA's template status (PENDING, APPROVED, REJECTED…) once submitted. */
  status: string | null
  rejectedReason: string | null
  /** Why it is not carried as it is. */
  reason: string | null
}

export type SandboxCarryOver = {
  tenant: { id: string; name: string; defaultNumberId: string | null } | null
  /** The Sandbox's numbers: the emulator's, never carried. */
  numbers: { phoneNumberId: string; display: string | null }[]
  /** The real WABA the templates go to, or null while none is connected. */
  target: { id: string; wabaId: string; name: string | null } | null
  templates: CarriedTemplate[]
}

const reviewable = new Set(['APPROVED', 'PENDING', 'PAUSED', 'IN_APPEAL'])
const mediaFormats = new Set(['IMAGE', 'VIDEO', 'DOCUMENT'])
const key = (t: { name: string; language: string }) => `${t.name}\u0000${t.language}`

function hasMediaHeader(t: StoredTemplate): boolean {
  return t.components.some((c) => {
    const o = c as { type?: unknown; format?: unknown }
    return String(o.type).toUpperCase() === 'HEADER' && mediaFormats.has(String(o.format ?? '').toUpperCase())
  })
}

function notCarriedReason(t: StoredTemplate): string | null {
  if (t.components.length === 0)
    return 'Known only from a status webhook (no components): create it on the Templates page.'
  if (!reviewable.has(t.status))
    return `It is ${t.status} in the Sandbox: fix it there (Templates > Edit) before submitting it to Meta.`
  if (hasMediaHeader(t))
    return 'Its media header needs a sample uploaded to Meta again: duplicate it on the Templates page with the file.'
  return null
}

/** What the Sandbox leaves to carry over to `waba` (default: the first real WABA); null without a Sandbox. */
export async function sandboxCarryOver(db: Db, waba?: string): Promise<SandboxCarryOver | null> {
  const state = await readSandboxState(db)
  const sandbox = await sandboxWaba(db)
  if (state?.status !== 'ready' || !sandbox) return null
  const tenant = state.tenantId ? await getTenant(db, state.tenantId).catch(() => undefined) : undefined
  const target = (await realWaba(db, waba)) ?? null
  if (waba && !target) {
    throw new WahubError(
      'not_found',
      `No real WABA ${waba} in Wahub (the Sandbox's cannot take its own templates).`,
      { field: 'waba' },
      'List them with `wahub waba list`, or connect one first (`wahub waba add`).',
    )
  }
  const samples = new Set(sampleTemplates(Date.now()).map(key))
  const held = new Map<string, StoredTemplate>()
  if (target) for (const t of await listTemplates(db, { wabaRowId: target.id })) held.set(key(t), t)
  const templates: CarriedTemplate[] = []
  for (const t of await listTemplates(db, { wabaRowId: sandbox.id })) {
    if (t.status === 'DELETED') continue
    const there = held.get(key(t))
    const live = there && there.status !== 'DELETED' ? there : undefined
    const reason = live ? null : notCarriedReason(t)
    templates.push({
      name: t.name,
      language: t.language,
      category: t.category ?? 'UTILITY',
      origin: samples.has(key(t)) ? 'sample' : 'authored',
      carry: live ? 'submitted' : reason ? 'not_carried' : 'offered',
      status: live?.status ?? null,
      rejectedReason: live?.rejectedReason && live.rejectedReason !== 'NONE' ? live.rejectedReason : null,
      reason,
    })
  }
  return {
    tenant: tenant ? { id: tenant.id, name: tenant.name, defaultNumberId: tenant.defaultNumberId } : null,
    numbers: sandbox.numbers,
    target,
    templates,
  }
}

export type CarryRequest = {
  /** The real WABA (Wahub's or Meta's id); default: the first real WABA. */
  waba?: string
  /** A real number to give the Sandbox's tenant as its default (Meta's phone_number_id or Wahub's id). */
  number?: string
  /** Templates to submit: each by name and language, or every `authored` / `all` offered one. */
  templates?: { name: string; language: string }[] | 'authored' | 'all'
}

export type CarryResult = {
  tenant: { name: string; number: string } | null
  templates: {
    name: string
    language: string
    outcome: 'submitted' | 'skipped' | 'failed'
    status: string | null
    error: { code: string; message: string; fix: string } | null
  }[]
  carryOver: SandboxCarryOver
}

/** Carries the Sandbox over: the tenant takes the real number, the chosen templates go to Meta's review. */
export async function carrySandboxOver(
  ctx: ChannelsContext,
  request: CarryRequest,
  actor: string,
): Promise<CarryResult> {
  const before = await sandboxCarryOver(ctx.db, request.waba)
  if (!before) {
    throw new WahubError(
      'not_found',
      'There is no Sandbox to go live from (it was skipped, removed, or never created here).',
      undefined,
      'Follow the go-live guide (`wahub golive`) to connect a real number.',
    )
  }
  const wanted = request.templates ?? []
  if (!before.target && (request.number || (Array.isArray(wanted) ? wanted.length > 0 : true))) {
    throw new WahubError(
      'conflict',
      'No real WABA is connected yet: the Sandbox has nothing to carry over to.',
      { field: request.number ? 'number' : 'templates' },
      'Connect your WABA first (`wahub waba add --waba-id … --token …`, or the guide\'s step "WhatsApp Business Account connected").',
    )
  }
  let tenant: CarryResult['tenant'] = null
  if (request.number) {
    if (!before.tenant) {
      throw new WahubError(
        'not_found',
        "The Sandbox's tenant was removed: there is no tenant to carry over.",
        { field: 'number' },
        'Assign the number to a tenant: `wahub tenant update --name NAME --number PHONE_NUMBER_ID`.',
      )
    }
    if (before.numbers.some((n) => n.phoneNumberId === request.number)) {
      throw new WahubError(
        'validation_failed',
        `number: ${request.number} is a Sandbox number (the emulator's); give the real number's phone_number_id.`,
        [{ field: 'number', problem: 'a Sandbox number is not carried over' }],
      )
    }
    const updated = await updateTenant(ctx.db, before.tenant.id, { defaultNumber: request.number }, actor)
    const n = updated.numbers.find((x) => x.id === updated.defaultNumberId)
    tenant = { name: updated.name, number: n?.phoneNumberId ?? request.number }
  }
  const results: CarryResult['templates'] = []
  const byKey = new Map(before.templates.map((t) => [key(t), t]))
  const chosen =
    wanted === 'all' || wanted === 'authored'
      ? before.templates.filter((t) => t.carry === 'offered' && (wanted === 'all' || t.origin === 'authored'))
      : wanted
  const sandbox = (await sandboxWaba(ctx.db))?.id ?? ''
  const source = new Map((await listTemplates(ctx.db, { wabaRowId: sandbox })).map((t) => [key(t), t]))
  for (const want of chosen) {
    const t = byKey.get(key(want))
    const one = { name: want.name, language: want.language }
    if (!t) {
      results.push({
        ...one,
        outcome: 'failed',
        status: null,
        error: {
          code: 'not_found',
          message: `The Sandbox has no template ${want.name} (${want.language}).`,
          fix: 'List what it offers with `wahub golive --from-sandbox`.',
        },
      })
      continue
    }
    if (t.carry !== 'offered') {
      results.push({ ...one, outcome: 'skipped', status: t.status, error: null })
      continue
    }
    const from = source.get(key(want)) as StoredTemplate
    try {
      const created = await createTemplate(
        ctx,
        before.target?.id ?? '',
        {
          name: from.name,
          language: from.language,
          category: from.category ?? 'UTILITY',
          parameter_format: from.parameterFormat ?? 'POSITIONAL',
          components: from.components,
        },
        actor,
      )
      results.push({ ...one, outcome: 'submitted', status: created.status, error: null })
    } catch (err) {
      if (!(err instanceof WahubError)) throw err
      results.push({
        ...one,
        outcome: 'failed',
        status: null,
        error: { code: err.code, message: err.message, fix: err.fix },
      })
    }
  }
  const carryOver = (await sandboxCarryOver(ctx.db, request.waba)) as SandboxCarryOver
  return { tenant, templates: results, carryOver }
}
