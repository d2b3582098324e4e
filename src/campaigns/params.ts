// A campaign's template parameters (issue 18): each placeholder's value comes from the
// recipient's attributes (a CSV column, or a contact attribute of a filtered audience) or is a
// fixed text. `component` is body (default) or header; `name` is the placeholder's name for a
// template with named parameters.

export type CampaignParameter = {
  component?: 'body' | 'header'
  name?: string
  attribute?: string
  text?: string
}

type Component = { type: string; parameters: Record<string, unknown>[] }

/** The template components for one recipient, or the attribute it lacks. */
export function componentsFor(
  parameters: readonly CampaignParameter[],
  attributes: Record<string, string>,
): { components: Component[] } | { missing: string } {
  const byComponent = new Map<string, Record<string, unknown>[]>()
  for (const p of parameters) {
    const value = p.attribute !== undefined ? attributes[p.attribute] : p.text
    if (value === undefined || value === '') return { missing: p.attribute ?? p.name ?? '(text)' }
    const list = byComponent.get(p.component ?? 'body') ?? []
    list.push({ type: 'text', text: value, ...(p.name ? { parameter_name: p.name } : {}) })
    byComponent.set(p.component ?? 'body', list)
  }
  return {
    components: [...byComponent.entries()]
      .sort(([a], [b]) => (a === 'header' ? -1 : b === 'header' ? 1 : 0))
      .map(([type, list]) => ({ type, parameters: list })),
  }
}
