import './shell.css'
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { AnalyticsPage } from './analytics/analytics-page.tsx'
import { ApiError, get, post, setCsrfToken, setSessionEndedHandler } from './api.ts'
import { ApiKeysPage } from './api-keys/api-keys-page.tsx'
import type { Session, User } from './api-types.ts'
import { AuditPage } from './audit/audit-page.tsx'
import { LoginPage } from './auth/login-page.tsx'
import { PasswordPage } from './auth/password-page.tsx'
import { CampaignsPage } from './campaigns/campaigns-page.tsx'
import { ChannelsPage } from './channels/channels-page.tsx'
import { EventsPage } from './events/events-page.tsx'
import { GolivePage } from './golive/golive-page.tsx'
import { TokenAlerts } from './golive/token-alerts.tsx'
import { i18n } from './i18n/index.ts'
import { HeaderTools } from './inbox/header-tools.tsx'
import { InboxPage } from './inbox/inbox-page.tsx'
import { IntegrationsPage } from './integrations/integrations-page.tsx'
import { LiveProvider, useLiveState } from './live.tsx'
import { Link, navigate, usePath } from './router.tsx'
import { ConnectPage } from './signup/connect-page.tsx'
import { TemplatesPage } from './templates/templates-page.tsx'
import { TenantsPage } from './tenants/tenants-page.tsx'
import { LanguageSwitch } from './ui/language-switch.tsx'

// The shell: who is signed in (GET /auth/me), the forced first-run password change, the
// navigation by role (admin: everything; agent: the inbox of their tenant) and the pages.

type Nav = {
  href: string
  label:
    | 'nav.inbox'
    | 'nav.analytics'
    | 'nav.channels'
    | 'nav.golive'
    | 'nav.connect'
    | 'nav.templates'
    | 'nav.campaigns'
    | 'nav.integrations'
    | 'nav.tenants'
    | 'nav.apiKeys'
    | 'nav.events'
    | 'nav.audit'
  admin?: boolean
  /** Only for a tenant's users (an admin connects numbers on Channels and Go live). */
  tenant?: boolean
}
const nav: Nav[] = [
  { href: '/inbox', label: 'nav.inbox' },
  { href: '/analytics', label: 'nav.analytics' },
  { href: '/channels', label: 'nav.channels', admin: true },
  { href: '/golive', label: 'nav.golive', admin: true },
  { href: '/connect', label: 'nav.connect', tenant: true },
  { href: '/templates', label: 'nav.templates', admin: true },
  { href: '/campaigns', label: 'nav.campaigns', admin: true },
  { href: '/integrations', label: 'nav.integrations', admin: true },
  { href: '/tenants', label: 'nav.tenants', admin: true },
  { href: '/api-keys', label: 'nav.apiKeys', admin: true },
  { href: '/events', label: 'nav.events', admin: true },
  { href: '/audit', label: 'nav.audit', admin: true },
]

export function App() {
  const { t } = useTranslation()
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
      setNotice(i18n.t('session.ended'))
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
        <p>{t('loading')}</p>
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
  const { t } = useTranslation()
  useEffect(() => {
    if (path === '/' || path === '/login') navigate('/inbox', { replace: true })
  }, [path])
  const section = `/${path.split('/')[1] ?? ''}`
  const allowed = nav.filter((n) => (isAdmin ? !n.tenant : !n.admin))
  const current = allowed.find((n) => n.href === section)
  useEffect(() => {
    document.title = current ? `${t(current.label)} · Wahub` : 'Wahub'
  }, [current, t])

  let page: React.ReactNode
  if (section === '/inbox') page = <InboxPage user={props.user} path={path} />
  else if (!isAdmin && allowed.every((n) => n.href !== section)) page = <Elsewhere reason="forbidden" />
  else if (section === '/analytics') page = <AnalyticsPage user={props.user} />
  else if (section === '/channels') page = <ChannelsPage />
  else if (section === '/golive') page = <GolivePage />
  else if (section === '/connect') page = <ConnectPage />
  else if (section === '/templates') page = <TemplatesPage />
  else if (section === '/campaigns') page = <CampaignsPage />
  else if (section === '/integrations') page = <IntegrationsPage />
  else if (section === '/tenants') page = <TenantsPage />
  else if (section === '/api-keys') page = <ApiKeysPage />
  else if (section === '/events') page = <EventsPage />
  else if (section === '/audit') page = <AuditPage />
  else page = <Elsewhere reason="notFound" />

  return (
    <div className={`shell section-${section.slice(1) || 'home'}`}>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <Link href="/inbox" className="brand" aria-label={t('brandLabel')}>
          <span aria-hidden="true" className="brand-mark">
            W
          </span>
          <span className="brand-name">Wahub</span>
        </Link>
        <nav aria-label={t('nav.label')} className="main-nav">
          <ul>
            {allowed.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.href === section ? 'page' : undefined}>
                  {t(n.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <HeaderTools user={props.user} />
          <span
            className={`live-dot live-${live}`}
            role="status"
            title={t('live.title', { state: t(`live.${live}`) })}
          >
            <span className="visually-hidden">{t('live.prefix')}</span>
            {t(`live.${live}`)}
          </span>
          <span className="who">
            <span className="who-email">{props.user.email}</span>
            <span className="role-badge">{t(`role.${props.user.role}`)}</span>
          </span>
          <LanguageSwitch />
          <button type="button" className="secondary small" onClick={props.onSignOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      {isAdmin ? <TokenAlerts /> : null}
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  )
}

/** A page the user cannot have (forbidden, or no such page): what happened, and the way back. */
function Elsewhere(props: { reason: 'forbidden' | 'notFound' }) {
  const { t } = useTranslation()
  return (
    <section className="page narrow">
      <h1>{t(`${props.reason}.title`)}</h1>
      {props.reason === 'forbidden' ? <p>{t('forbidden.body')}</p> : null}
      <Link href="/inbox">{t('goToInbox')}</Link>
    </section>
  )
}
