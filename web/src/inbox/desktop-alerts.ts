import { useEffect, useState } from 'react'
import { get } from '../api.ts'
import type { Conversation, User } from '../api-types.ts'
import { contactLabel } from '../format.ts'
import { useLive } from '../live.tsx'
import { navigate } from '../router.tsx'

// Desktop notifications (the browser's Notification API) and a short sound for a customer's new
// message in a conversation assigned to me or to nobody — switched on here (the browser asks for
// permission once) and remembered in this browser. Nothing while that conversation is on screen.

const storageKey = 'wahub.desktopAlerts'

export type AlertsState = 'on' | 'off' | 'denied' | 'unsupported'

function current(): AlertsState {
  if (typeof Notification === 'undefined') return 'unsupported'
  if (Notification.permission === 'denied') return 'denied'
  return localStorage.getItem(storageKey) === 'on' && Notification.permission === 'granted' ? 'on' : 'off'
}

/** A short two-tone chime (Web Audio: no sound file to ship). */
function chime(): void {
  try {
    const audio = new AudioContext()
    const now = audio.currentTime
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator()
      const gain = audio.createGain()
      osc.frequency.value = freq
      gain.gain.setValueAtTime(0.0001, now + i * 0.12)
      gain.gain.exponentialRampToValueAtTime(0.15, now + i * 0.12 + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.2)
      osc.connect(gain).connect(audio.destination)
      osc.start(now + i * 0.12)
      osc.stop(now + i * 0.12 + 0.22)
    }
    setTimeout(() => void audio.close(), 600)
  } catch {
    // no audio device: the notification alone
  }
}

export function useDesktopAlerts(user: User, title: (name: string) => string) {
  const [state, setState] = useState<AlertsState>(current)
  useEffect(() => {
    const sync = () => setState(current())
    window.addEventListener('storage', sync)
    return () => window.removeEventListener('storage', sync)
  }, [])

  useLive(
    (event) => {
      if (state !== 'on' || event.kind !== 'message.received') return
      const id = event.payload?.conversationId
      if (typeof id !== 'string') return
      const onScreen = window.location.pathname === `/inbox/${id}` && document.visibilityState === 'visible'
      if (onScreen) return
      void (async () => {
        try {
          const c = await get<Conversation>(`/api/v1/conversations/${encodeURIComponent(id)}`)
          if (c.assigneeUserId !== null && c.assigneeUserId !== user.id) return
          const n = new Notification(title(contactLabel(c.contact)), {
            body: c.lastMessagePreview ?? '',
            tag: `wahub-${c.id}`,
          })
          n.onclick = () => {
            window.focus()
            navigate(`/inbox/${c.id}`)
          }
          chime()
        } catch {
          // gone or not ours: nothing to announce
        }
      })()
    },
    ['message.received'],
  )

  const toggle = async () => {
    if (state === 'on') {
      localStorage.setItem(storageKey, 'off')
      setState('off')
      return
    }
    if (typeof Notification === 'undefined') return
    const permission =
      Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission()
    if (permission === 'granted') localStorage.setItem(storageKey, 'on')
    setState(current())
  }
  return { state, toggle }
}
