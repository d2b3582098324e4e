import { Type } from 'typebox'
import type { GoliveGuide } from '../../diagnostics/golive-types.ts'
import { goliveStepTitles } from '../../diagnostics/golive-types.ts'
import type { SandboxCarryOver } from '../../sandbox/carry-over.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'

// Every field of the go-live guide that leaves the API: a schema (OpenAPI; fast-json-stringify
// drops anything else) and a function picking exactly those fields.

const State = Type.Union(
  [
    Type.Literal('done'),
    Type.Literal('todo'),
    Type.Literal('failing'),
    Type.Literal('manual'),
    Type.Literal('unknown'),
  ],
  {
    description:
      'done · todo · failing (with the fix) · manual (confirm it in metaUiPlace) · unknown (not readable now)',
  },
)

const StepSchema = Type.Object({
  id: Type.String({ description: `Stable id: ${Object.keys(goliveStepTitles).join(', ')}` }),
  title: Str,
  state: State,
  seen: Type.String({ description: 'What the guide saw, with the values' }),
  fix: Nullable(Type.String({ description: 'What to do (a command where there is one); null when done' })),
  doctorCheckId: Nullable(
    Type.String({
      description: 'The doctor check this step reads (its finding in GET /api/v1/admin/diagnostics)',
    }),
  ),
  metaUiPlace: Nullable(Type.String({ description: "Where in Meta's screens this is done or confirmed" })),
})

const CarriedTemplateSchema = Type.Object({
  name: Str,
  language: Str,
  category: Str,
  origin: Type.Union([Type.Literal('authored'), Type.Literal('sample')], {
    description: 'authored: made in the Sandbox · sample: one of the Sandbox samples',
  }),
  carry: Type.Union([Type.Literal('offered'), Type.Literal('submitted'), Type.Literal('not_carried')], {
    description:
      'offered: the real WABA lacks it, it can be submitted · submitted: the real WABA has it (status = its review) · not_carried: see reason',
  }),
  status: Nullable(
    Type.String({ description: "The real WABA's template status (PENDING, APPROVED, REJECTED…)" }),
  ),
  rejectedReason: NStr,
  reason: Nullable(Type.String({ description: 'Why it is not carried as it is, with the fix' })),
})

/** What the Sandbox leaves to carry over to the real WABA (decision 0083). */
export const CarryOverSchema = Type.Object({
  tenant: Nullable(
    Type.Object(
      { id: Str, name: Str, defaultNumberId: NStr },
      { description: "The Sandbox's tenant: it stays" },
    ),
  ),
  numbers: Type.Array(Type.Object({ phoneNumberId: Str, display: NStr }), {
    description: "The Sandbox's numbers (the emulator's): never carried",
  }),
  target: Nullable(
    Type.Object({ id: Str, wabaId: Str, name: NStr }, { description: 'The real WABA templates go to' }),
  ),
  templates: Type.Array(CarriedTemplateSchema),
})

export function presentCarryOver(c: SandboxCarryOver) {
  return {
    tenant: c.tenant,
    numbers: c.numbers,
    target: c.target,
    templates: c.templates.map((t) => ({
      name: t.name,
      language: t.language,
      category: t.category,
      origin: t.origin,
      carry: t.carry,
      status: t.status,
      rejectedReason: t.rejectedReason,
      reason: t.reason,
    })),
  }
}

export const GoliveSchema = Type.Object({
  generatedAt: Millis,
  waba: Nullable(Type.Object({ id: Str, wabaId: Str, name: NStr })),
  number: Nullable(Type.Object({ id: Str, phoneNumberId: Str, display: NStr, isSandbox: Type.Boolean() })),
  steps: Type.Array(StepSchema),
  summary: Type.Object({
    done: Type.Integer(),
    todo: Type.Integer(),
    failing: Type.Integer(),
    manual: Type.Integer(),
    unknown: Type.Integer(),
  }),
  live: Type.Boolean({ description: 'Every step done or manual' }),
  next: Nullable(Type.String({ description: 'The first step to take (failing or todo)' })),
  sandbox: Nullable(CarryOverSchema),
})

export function presentGolive(g: GoliveGuide) {
  return {
    generatedAt: g.generatedAt,
    waba: g.waba,
    number: g.number,
    steps: g.steps.map((s) => ({
      id: s.id,
      title: s.title,
      state: s.state,
      seen: s.seen,
      fix: s.fix,
      doctorCheckId: s.doctorCheckId,
      metaUiPlace: s.metaUiPlace,
    })),
    summary: g.summary,
    live: g.live,
    next: g.next,
    sandbox: g.sandbox ? presentCarryOver(g.sandbox) : null,
  }
}
