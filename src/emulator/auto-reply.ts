import type { EmulatorContext } from './context.ts'
import { customerSends } from './customers.ts'
import type { JsonObject, OutboundMessage } from './types.ts'

// Auto-reply mode (SPEC §9): customers answer a business message on their own after reading
// it — a tap on the first button or row when there is one, else a canned text in their language.

const canned: Record<string, string[]> = {
  es: ['¡Gracias! Lo reviso y te digo.', 'Perfecto, muchas gracias 😊', '¿A qué hora abren mañana?'],
  pt: ['Obrigado! Vou verificar.', 'Perfeito, valeu 👍', 'Qual é o prazo de entrega?'],
  en: ['Thanks! I will check.', 'Great, thank you 🙂', 'What time do you open tomorrow?'],
  fr: ['Merci ! Je regarde ça.', 'Parfait, merci beaucoup 😊', 'Vous ouvrez à quelle heure demain ?'],
  de: ['Danke! Ich schaue nach.', 'Super, vielen Dank 🙂', 'Wann öffnen Sie morgen?'],
}

let turn = 0

function obj(value: unknown): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {}
}

/** The reply a customer gives to `msg`, as Meta would deliver it (minus from/id/timestamp). */
export function replyTo(msg: OutboundMessage, language: string): JsonObject {
  const context = { id: msg.wamid }
  const interactive = obj(msg.body.interactive)
  const action = obj(interactive.action)
  if (msg.type === 'interactive' && interactive.type === 'button' && Array.isArray(action.buttons)) {
    const reply = obj(obj(action.buttons[0]).reply)
    return {
      type: 'interactive',
      context,
      interactive: { type: 'button_reply', button_reply: { id: reply.id, title: reply.title } },
    }
  }
  if (msg.type === 'interactive' && interactive.type === 'list' && Array.isArray(action.sections)) {
    const rows = obj(action.sections[0]).rows
    const row = obj(Array.isArray(rows) ? rows[0] : undefined)
    const listReply: JsonObject = { id: row.id, title: row.title }
    if (typeof row.description === 'string') listReply.description = row.description
    return { type: 'interactive', context, interactive: { type: 'list_reply', list_reply: listReply } }
  }
  if (msg.type === 'template' && msg.quickReplies.length > 0) {
    const [first] = msg.quickReplies
    return { type: 'button', context, button: { payload: first.payload, text: first.text } }
  }
  const answers = canned[language] ?? canned.en
  turn += 1
  return { type: 'text', context, text: { body: answers[turn % answers.length] } }
}

export function scheduleAutoReply(ctx: EmulatorContext, msg: OutboundMessage): void {
  const customer = ctx.state.customers.get(msg.customerKey)
  if (!customer || customer.undeliverable) return
  const enabled = customer.autoReply ?? ctx.autoReply
  if (!enabled) return
  ctx.scheduler.after(ctx.options.delays.autoReplyMs, () => {
    const key = customer.waId ?? customer.userId
    if (!key) return
    customerSends(ctx, key, replyTo(msg, customer.language), { phoneNumberId: msg.phoneNumberId })
  })
}
