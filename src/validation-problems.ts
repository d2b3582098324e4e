// Turns a schema validator's errors (Fastify's Ajv, or TypeBox's Value.Errors for callers without
// Fastify: the CLI, bulk sends) into Wahub's `{ field, problem }` details, one per real
// problem. A union of literals (`type: "sticker2"`) fails every branch: the validator reports
// one `must be equal to constant` per allowed value plus an `anyOf` summary; a person needs one
// line naming the allowed values. An unknown property is reported at its parent's path with the
// name only in `params`; the field it names is the property itself.

export type ValidationIssue = {
  keyword?: string
  instancePath?: string
  message?: string
  params?: Record<string, unknown>
}

export type FieldProblem = { field: string; problem: string }

function dotted(path: string | undefined): string {
  return (path ?? '').replace(/^\//, '').replaceAll('/', '.')
}

function join(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name
}

export function validationProblems(issues: readonly ValidationIssue[]): FieldProblem[] {
  const allowed = new Map<string, unknown[]>()
  for (const v of issues) {
    if (v.keyword !== 'const' || !v.params || !('allowedValue' in v.params)) continue
    const field = dotted(v.instancePath)
    allowed.set(field, [...(allowed.get(field) ?? []), v.params.allowedValue])
  }
  const out: FieldProblem[] = []
  const seen = new Set<string>()
  const add = (p: FieldProblem) => {
    const key = `${p.field}\u0000${p.problem}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(p)
    }
  }
  for (const v of issues) {
    const field = dotted(v.instancePath)
    const values = allowed.get(field)
    if (values && (v.keyword === 'const' || v.keyword === 'anyOf')) {
      // Several literals at one path: one problem naming them (only when they are all scalars).
      add({ field, problem: `must be one of: ${values.map((x) => String(x)).join(', ')}` })
      continue
    }
    if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') {
      add({ field: join(field, v.params.additionalProperty), problem: 'is not a known property' })
      continue
    }
    if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') {
      add({ field: join(field, v.params.missingProperty), problem: 'is required' })
      continue
    }
    // TypeBox's own checker (Value.Errors) names every missing property at once.
    if (v.keyword === 'required' && Array.isArray(v.params?.requiredProperties)) {
      for (const name of v.params.requiredProperties)
        add({ field: join(field, String(name)), problem: 'is required' })
      continue
    }
    add({ field, problem: v.message ?? 'is not valid' })
  }
  return out
}
