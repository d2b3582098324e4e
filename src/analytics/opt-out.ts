// An inbound message that asks the business to stop messaging (decision 0047): the whole text of
// a text message, a quick-reply button or an interactive reply, once lowercased and stripped of
// punctuation, is one of these words — the English keywords carriers and Meta's own marketing
// opt-out button use ("Stop promotions"), and their usual forms in the dashboard's languages.
// A sentence that merely contains "stop" is not an opt-out. Until the suppression list exists
// (issue 18), this is what the `opt_outs` figure counts.

const stopWords = new Set([
  'stop',
  'stop all',
  'stop promotions',
  'unsubscribe',
  'opt out',
  'optout',
  // es
  'baja',
  'darme de baja',
  'detener promociones',
  // pt-BR
  'parar',
  'sair',
  'parar promoções',
  'descadastrar',
  // th
  'หยุด',
  'หยุดโปรโมชัน',
  'ยกเลิกรับข่าวสาร',
])

type Obj = Record<string, unknown>

function replyText(type: string, content: Obj): string | undefined {
  if (type === 'text') return (content.text as Obj | undefined)?.body as string | undefined
  if (type === 'button') return (content.button as Obj | undefined)?.text as string | undefined
  if (type === 'interactive') {
    const i = (content.interactive ?? {}) as Obj
    return ((i.button_reply ?? i.list_reply) as Obj | undefined)?.title as string | undefined
  }
  return undefined
}

export function isOptOut(type: string, content: string): boolean {
  if (type !== 'text' && type !== 'button' && type !== 'interactive') return false
  let parsed: Obj
  try {
    parsed = JSON.parse(content) as Obj
  } catch {
    return false
  }
  const text = replyText(type, parsed)
  if (typeof text !== 'string' || text.length > 40) return false
  const normal = text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return stopWords.has(normal)
}
