import type { Template } from './types.ts'

/**
 * The placeholders of a template text, in order: positional {{1}}…{{n}} or named {{name}}
 * (parameter_format NAMED, FACTS §6). Repeated placeholders count once.
 */
export function placeholdersOf(text: string, template: Pick<Template, 'parameterFormat'>): string[] {
  const pattern =
    template.parameterFormat === 'NAMED' ? /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g : /\{\{\s*(\d+)\s*\}\}/g
  const seen: string[] = []
  for (const m of text.matchAll(pattern)) if (!seen.includes(m[1])) seen.push(m[1])
  if (template.parameterFormat !== 'NAMED') seen.sort((a, b) => Number(a) - Number(b))
  return seen
}
