import type { Db } from '../db/connect.ts'
import { expectationOf, type TemplateExpectation } from '../templates/params.ts'
import { listTemplates } from '../templates/templates-repo.ts'
import { UsageError } from './command.ts'

// `wahub send --template`: the flags (--param, --header-*, --button) → Meta's template
// components. The template as last synced says whether parameters are NAMED and what each
// button takes; send policy then checks the result and, when it does not fit, answers
// template_params_mismatch with the expectation (printed by send.ts).

export type TemplateFlags = {
  params: string[]
  buttons: string[]
  headerText?: string
  headerMedia?: { kind: 'image' | 'video' | 'document'; value: string }
}

type Component = { type: string; sub_type?: string; index?: string; parameters: Record<string, unknown>[] }

async function expectationFor(db: Db, tenantId: string, name: string, language: string) {
  const found = (await listTemplates(db, { tenantId, name })).find(
    (t) => t.language === language && t.status !== 'DELETED',
  )
  return found ? expectationOf(found) : undefined
}

function buttonParam(e: TemplateExpectation | undefined, index: number, value: string): Component {
  const b = e?.buttons.find((x) => x.index === index)
  const subType = b?.subType ?? 'url'
  const param =
    b?.paramType === 'coupon_code'
      ? { type: 'coupon_code', coupon_code: value }
      : b?.paramType === 'payload'
        ? { type: 'payload', payload: value }
        : { type: 'text', text: value }
  return { type: 'button', sub_type: subType, index: String(index), parameters: [param] }
}

export async function templateComponents(
  db: Db,
  tenantId: string,
  name: string,
  language: string,
  flags: TemplateFlags,
): Promise<Component[]> {
  const e = await expectationFor(db, tenantId, name, language)
  const named = e?.format === 'NAMED'
  const out: Component[] = []
  if (flags.headerText !== undefined) {
    const names = e?.header.type === 'text' ? e.header.params : []
    out.push({
      type: 'header',
      parameters: [
        { type: 'text', text: flags.headerText, ...(named && names[0] ? { parameter_name: names[0] } : {}) },
      ],
    })
  }
  if (flags.headerMedia) {
    const { kind, value } = flags.headerMedia
    const ref = /^https?:\/\//.test(value) ? { link: value } : { id: value }
    out.push({ type: 'header', parameters: [{ type: kind, [kind]: ref }] })
  }
  if (flags.params.length > 0) {
    out.push({
      type: 'body',
      parameters: flags.params.map((p) => {
        if (!named) return { type: 'text', text: p }
        const eq = p.indexOf('=')
        if (eq < 1) {
          throw new UsageError(
            `template ${name} has named parameters: write --param NAME=VALUE (${e?.body.params.join(', ')})`,
          )
        }
        return { type: 'text', parameter_name: p.slice(0, eq), text: p.slice(eq + 1) }
      }),
    })
  }
  for (const b of flags.buttons) {
    const m = /^(\d+)=(.*)$/s.exec(b)
    if (!m) throw new UsageError(`--button ${b}: write INDEX=VALUE (--button 0=ABC123)`)
    out.push(buttonParam(e, Number(m[1]), m[2]))
  }
  return out
}
