import { useCallback, useEffect, useState } from 'react'
import { ApiError, get, post, setCsrfToken, setSessionEndedHandler } from './api.ts'
import type { Session, User } from './api-types.ts'
import { LiveProvider, useLiveState } from './live.tsx'
import { ApiKeysPage } from './pages/api-keys.tsx'
import { ChannelsPage } from './pages/channels.tsx'
import { EventsPage } from './pages/events.tsx'
import { InboxPage } from './pages/inbox.tsx'
import { LoginPage } from './pages/login.tsx'
import { PasswordPage } from './pages/password.tsx'
import { TemplatesPage } from './pages/templates.tsx'
import { TenantsPage } from './pages/tenants.tsx'
import { Link, navigate, usePath } from './router.tsx'

// The shell: who is signed in (GET /auth/me), the forced first-run password change, the
// navigation by role (admin: everything; agent: the inbox of their tenant) and the pages.

type Nav = { href: string; label: string; admin?: boolean }
const nav: Nav[] = [
  { href: '/inbox', label: 'Inbox' },
  { href: '/channels', label: 'Channels', admin: true },
  { href: '/templates', label: 'Templates', admin: true },
  { href: '/tenants', label: 'Tenants & users', admin: true },
  { href: '/api-keys', label: 'API keys', admin: true },
  { href: '/events', label: 'Events', admin: true },
]

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  const [notice, setNotice] = useState<string | null>(null)

  const refresh = useCallback(async () => {
    try {
      const s = await get<Session>('/api/v1/auth/me')
      setCsrfToken(s.csrfToken)
      setSession(s)
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) setNotice((err as Error).message)
      setCsrfToken(null)
      setSession(null)
    }
  }, [])

  useEffect(() => {
    void refresh()
    setSessionEndedHandler(() => {
      setCsrfToken(null)
      setSession(null)
      setNotice('Your session has ended: sign in again.')
    })
    return () => setSessionEndedHandler(null)
  }, [refresh])

  const signedIn = (s: Session) => {
    setCsrfToken(s.csrfToken)
    setSession(s)
    setNotice(null)
    const path = window.location.pathname
    if (path === '/' || path === '/login') navigate('/inbox', { replace: true })
  }

  if (session === undefined) {
    return (
      <main className="center-page" aria-busy="true">
        <p>Loading…</p>
      </main>
    )
  }
  if (session === null) return <LoginPage notice={notice} onSignedIn={signedIn} />
  if (session.user.mustChangePassword) {
    return <PasswordPage user={session.user} onChanged={refresh} onSignOut={() => signOut(setSession)} />
  }
  return (
    <LiveProvider>
      <Shell user={session.user} onSignOut={() => signOut(setSession)} />
    </LiveProvider>
  )
}

async function signOut(setSession: (s: null) => void) {
  try {
    await post('/api/v1/auth/logout')
  } catch {
    // the session may be gone already
  }
  setCsrfToken(null)
  setSession(null)
  navigate('/login', { replace: true })
}

function Shell(props: { user: User; onSignOut: () => void }) {
  const path = usePath()
  const isAdmin = props.user.role === 'admin'
  const live = useLiveState()
  useEffect(() => {
    if (path === '/' || path === '/login') navigate('/inbox', { replace: true })
  }, [path])
  const section = `/${path.split('/')[1] ?? ''}`
  const allowed = nav.filter((n) => isAdmin || !n.admin)
  const current = allowed.find((n) => n.href === section)
  useEffect(() => {
    document.title = current ? `${current.label} · Wahub` : 'Wahub'
  }, [current])

  let page: React.ReactNode
  if (section === '/inbox') page = <InboxPage user={props.user} path={path} />
  else if (!isAdmin && allowed.every((n) => n.href !== section)) page = <Forbidden />
  else if (section === '/channels') page = <ChannelsPage />
  else if (section === '/templates') page = <TemplatesPage />
  else if (section === '/tenants') page = <TenantsPage />
  else if (section === '/api-keys') page = <ApiKeysPage />
  else if (section === '/events') page = <EventsPage />
  else page = <NotFound />

  return (
    <div className={`shell section-${section.slice(1) || 'home'}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/inbox" className="brand" aria-label="Wahub, inbox">
          <span aria-hidden="true" className="brand-mark">
            W
          </span>
          <span className="brand-name">Wahub</span>
        </Link>
        <nav aria-label="Main" className="main-nav">
          <ul>
            {allowed.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.href === section ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <span className={`live-dot live-${live}`} role="status" title={`Live updates: ${live}`}>
            <span className="visually-hidden">Live updates: </span>
            {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </span>
          <span className="who">
            <span className="who-email">{props.user.email}</span>
            <span className="role-badge">{props.user.role}</span>
          </span>
          <button type="button" className="secondary small" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  )
}

function Forbidden() {
  return (
    <section className="page narrow">
      <h1>Not available</h1>
      <p>This page is for administrators. Your account works the inbox of your tenant.</p>
      <Link href="/inbox">Go to the inbox</Link>
    </section>
  )
}

function NotFound() {
  return (
    <section className="page narrow">
      <h1>Page not found</h1>
      <Link href="/inbox">Go to the inbox</Link>
    </section>
  )
}
