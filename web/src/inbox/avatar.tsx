import { initials } from '../format.ts'

// A contact's avatar: the initials of its name, or — for a contact known only by number — the
// number's last two digits on a colour picked from them, so two unnamed customers look different
// (before, every +44… customer was a "4").

const hues = [160, 200, 230, 270, 310, 340, 20, 40, 90, 130]

export function avatarOf(contact: { name: string | null; waId: string | null; userId: string | null }): {
  text: string
  hue: number | null
} {
  if (contact.name) return { text: initials(contact.name), hue: null }
  const digits = (contact.waId ?? contact.userId ?? '').replace(/\D/g, '')
  if (!digits) return { text: '#', hue: null }
  const last = digits.slice(-2)
  return { text: last, hue: hues[Number(last) % hues.length] ?? 0 }
}

export function Avatar(props: {
  contact: { name: string | null; waId: string | null; userId: string | null }
}) {
  const { text, hue } = avatarOf(props.contact)
  return (
    <span
      className={`avatar${hue === null ? '' : ' by-number'}`}
      aria-hidden="true"
      style={hue === null ? undefined : { background: `hsl(${hue} 45% 32%)` }}
    >
      {text}
    </span>
  )
}
