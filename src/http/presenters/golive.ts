import { Type } from 'typebox'
import type { GoliveGuide } from '../../diagnostics/golive-types.ts'
import { goliveStepTitles } from '../../diagnostics/golive-types.ts'
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
  sandbox: Nullable(
    Type.Object({
      tenant: Nullable(Type.Object({ id: Str, name: Str })),
      templates: Type.Array(Type.Object({ name: Str, language: Str, category: Str })),
    }),
  ),
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
    sandbox: g.sandbox,
  }
}
