import { useTranslation } from 'react-i18next'
import { type Language, languages, matchLanguage, setLanguage } from '../i18n/index.ts'

// The header's language switch (issue 16): each language named in itself, so a person who does not
// read the current one still finds their own.
const names: Record<Language, string> = {
  en: 'English',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
  th: 'ไทย',
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation()
  const current = matchLanguage(i18n.language) ?? 'en'
  return (
    <select
      className="language-switch small"
      aria-label={t('language')}
      value={current}
      onChange={(e) => setLanguage(e.target.value as Language)}
    >
      {languages.map((l) => (
        <option key={l} value={l} lang={l}>
          {names[l]}
        </option>
      ))}
    </select>
  )
}
