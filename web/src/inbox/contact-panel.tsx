import { type FormEvent, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, patch, post } from '../api.ts'
import type { BlockResult, Contact, Conversation, User } from '../api-types.ts'
import { contactLabel, formatDateTime, formatTime } from '../format.ts'
import { Link } from '../router.tsx'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Avatar } from './avatar.tsx'

// The contact beside the thread (GET /api/v1/contacts/{id}): the team's name for them (editable;
// empty goes back to the WhatsApp profile name), wa_id or username, the numbers they changed
// from, the team's notes about them and custom attributes (key → value), their conversations on
// every number of the tenant, and block / unblock with Meta (asked first).

/** The team's free-text notes about a contact live in this attribute (decision 0054). */
export const notesAttribute = 'notes'

export function ContactPanel(props: {
  conversation: Conversation
  user: User
  onChanged: () => Promise<void>
}) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const id = props.conversation.contact.id
  const load = useLoad(['contact', id], async () =>
    get<Contact>(`/api/v1/contacts/${encodeURIComponent(id)}`),
  )
  const contact = load.data
  const canEdit = props.user.role === 'agent'
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const [name, setName] = useState('')
  const [notes, setNotes] = useState('')
  const [key, setKey] = useState('')
  const [value, setValue] = useState('')
  const [results, setResults] = useState<BlockResult[] | null>(null)
  useEffect(() => {
    setName(contact?.name ?? '')
    setNotes(contact?.attributes[notesAttribute] ?? '')
  }, [contact])

  const save = (what: string, body: Record<string, unknown>) =>
    action.run(what, async () => {
      await patch(`/api/v1/contacts/${encodeURIComponent(id)}`, body)
      await load.reload()
      await props.onChanged()
    })
  const saveName = (e: FormEvent) => {
    e.preventDefault()
    void save('name', { name: name.trim() || null })
  }
  const addAttribute = async (e: FormEvent) => {
    e.preventDefault()
    if (!key.trim()) return
    if (await save('attribute', { attributes: { [key.trim()]: value } })) {
      setKey('')
      setValue('')
    }
  }
  const block = async (blocking: boolean) => {
    const who = contact ? contactLabel(contact) : ''
    if (
      !(await confirm({
        title: blocking ? t('contact.blockTitle', { name: who }) : t('contact.unblockTitle', { name: who }),
        body: blocking ? t('contact.blockBody') : t('contact.unblockBody'),
        confirmLabel: blocking ? t('contact.block') : t('contact.unblock'),
      }))
    )
      return
    await action.run('block', async () => {
      const answer = await post<{ contact: Contact; results: BlockResult[] }>(
        `/api/v1/contacts/${encodeURIComponent(id)}/${blocking ? 'block' : 'unblock'}`,
      )
      setResults(answer.results)
      await load.reload()
    })
  }

  const attributes = Object.entries(contact?.attributes ?? {}).filter(([k]) => k !== notesAttribute)
  return (
    <aside className="contact-panel" aria-label={t('contact.label')}>
      <ErrorBox error={load.error ?? action.error} title={t('contact.failed')} onDismiss={action.reset} />
      {contact ? (
        <>
          <div className="contact-head">
            <Avatar
              contact={{
                name: contact.name ?? contact.profileName,
                waId: contact.waId,
                userId: contact.userId,
              }}
            />
            <div>
              <h2>{contactLabel({ ...contact, name: contact.name ?? contact.profileName })}</h2>
              {contact.blockedAt ? (
                <span className="status-badge status-blocked">{t('contact.blocked')}</span>
              ) : null}
            </div>
          </div>
          <dl className="contact-facts">
            {contact.waId ? (
              <>
                <dt>{t('contact.waId')}</dt>
                <dd>+{contact.waId}</dd>
              </>
            ) : null}
            {contact.userId ? (
              <>
                <dt>{t('contact.username')}</dt>
                <dd>{contact.userId}</dd>
              </>
            ) : null}
            {contact.profileName ? (
              <>
                <dt>{t('contact.profileName')}</dt>
                <dd>{contact.profileName}</dd>
              </>
            ) : null}
          </dl>
          {canEdit ? (
            <form className="contact-name" onSubmit={saveName}>
              <label htmlFor={`${ids}-name`}>{t('contact.name')}</label>
              <div className="inline-field">
                <input
                  id={`${ids}-name`}
                  value={name}
                  maxLength={100}
                  placeholder={contact.profileName ?? ''}
                  onChange={(e) => setName(e.target.value)}
                />
                <button type="submit" className="small" disabled={action.busy !== null}>
                  {t('contact.save')}
                </button>
              </div>
            </form>
          ) : null}

          {contact.numberHistory.length ? (
            <section>
              <h3>{t('contact.numberHistory')}</h3>
              <ul className="plain">
                {contact.numberHistory.map((h) => (
                  <li key={`${h.oldWaId}-${h.at}`}>
                    {t('contact.changedNumber', { from: `+${h.oldWaId}`, to: `+${h.newWaId}` })}{' '}
                    <span className="muted small">{formatDateTime(h.at)}</span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          <section>
            <h3>
              <label htmlFor={`${ids}-notes`}>{t('contact.notes')}</label>
            </h3>
            <textarea
              id={`${ids}-notes`}
              rows={3}
              maxLength={500}
              value={notes}
              readOnly={!canEdit}
              onChange={(e) => setNotes(e.target.value)}
            />
            {canEdit && notes !== (contact.attributes[notesAttribute] ?? '') ? (
              <button
                type="button"
                className="small"
                onClick={() => void save('notes', { attributes: { [notesAttribute]: notes.trim() || null } })}
              >
                {t('contact.saveNotes')}
              </button>
            ) : null}
          </section>

          <section>
            <h3>{t('contact.attributes')}</h3>
            {attributes.length === 0 ? <p className="muted small">{t('contact.noAttributes')}</p> : null}
            <dl className="contact-attributes">
              {attributes.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>
                    {v}
                    {canEdit ? (
                      <button
                        type="button"
                        className="link-button danger"
                        onClick={() => void save('attribute', { attributes: { [k]: null } })}
                      >
                        {t('contact.removeAttribute')}
                        <span className="visually-hidden"> {k}</span>
                      </button>
                    ) : null}
                  </dd>
                </div>
              ))}
            </dl>
            {canEdit ? (
              <form className="attribute-form" onSubmit={addAttribute}>
                <label htmlFor={`${ids}-key`} className="visually-hidden">
                  {t('contact.attributeKey')}
                </label>
                <input
                  id={`${ids}-key`}
                  value={key}
                  maxLength={50}
                  placeholder={t('contact.attributeKey')}
                  onChange={(e) => setKey(e.target.value)}
                />
                <label htmlFor={`${ids}-value`} className="visually-hidden">
                  {t('contact.attributeValue')}
                </label>
                <input
                  id={`${ids}-value`}
                  value={value}
                  maxLength={500}
                  placeholder={t('contact.attributeValue')}
                  onChange={(e) => setValue(e.target.value)}
                />
                <button
                  type="submit"
                  className="small secondary"
                  disabled={!key.trim() || action.busy !== null}
                >
                  {t('contact.setAttribute')}
                </button>
              </form>
            ) : null}
          </section>

          <section>
            <h3>{t('contact.conversations')}</h3>
            <ul className="plain contact-conversations">
              {contact.conversations.map((c) => (
                <li key={c.id}>
                  {c.id === props.conversation.id ? (
                    <span>{t('contact.thisConversation')}</span>
                  ) : (
                    <Link href={`/inbox/${c.id}`}>
                      {c.lastMessagePreview || t('contact.openConversation')}
                    </Link>
                  )}
                  <span className="muted small">
                    {' '}
                    · {t('thread.to', { number: c.displayPhoneNumber ?? c.numberId })} ·{' '}
                    {t(`conversationStatus.${c.status}`, { defaultValue: c.status })} ·{' '}
                    {formatTime(c.lastMessageAt)}
                  </span>
                </li>
              ))}
            </ul>
          </section>

          {canEdit ? (
            <section>
              {contact.blockedAt ? (
                <button type="button" className="secondary small" onClick={() => void block(false)}>
                  {t('contact.unblock')}
                </button>
              ) : (
                <button type="button" className="danger small" onClick={() => void block(true)}>
                  {t('contact.block')}
                </button>
              )}
              {results ? (
                <ul className="plain block-results" role="status">
                  {results.map((r) => (
                    <li key={r.numberId}>
                      {r.ok
                        ? t('contact.blockDone', { number: r.phoneNumberId })
                        : t('contact.blockRefused', { number: r.phoneNumberId, error: r.error ?? '' })}
                    </li>
                  ))}
                </ul>
              ) : null}
            </section>
          ) : null}
        </>
      ) : load.loading ? (
        <p className="muted">{t('common:loading')}</p>
      ) : null}
      {dialog}
    </aside>
  )
}
