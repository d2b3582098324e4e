import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import { resources } from './resources.ts'

// i18next with one JSON file per feature and language (web/src/i18n/<lang>/<feature>.json).
// The language: ?lang= (remembered), else the one chosen before, else the browser's; a key missing
// in that language falls back to English.

export const languages = ['en', 'es', 'pt-BR', 'th'] as const
export type Language = (typeof languages)[number]

const storageKey = 'wahub.lang'

/** The supported language closest to `tag` ("es-MX" → "es", "pt" → "pt-BR"), or null. */
export function matchLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null
  const lower = tag.toLowerCase()
  const exact = languages.find((l) => l.toLowerCase() === lower)
  if (exact) return exact
  const base = lower.split('-')[0]
  return languages.find((l) => l.toLowerCase().split('-')[0] === base) ?? null
}

function chooseLanguage(): Language {
  const fromUrl = matchLanguage(new URLSearchParams(window.location.search).get('lang'))
  if (fromUrl) {
    try {
      window.localStorage.setItem(storageKey, fromUrl)
    } catch {
      // storage may be unavailable (private mode): the URL still decides
    }
    return fromUrl
  }
  let stored: string | null = null
  try {
    stored = window.localStorage.getItem(storageKey)
  } catch {
    stored = null
  }
  return matchLanguage(stored) ?? navigator.languages.map(matchLanguage).find((l) => l !== null) ?? 'en'
}

void i18n.use(initReactI18next).init({
  resources,
  lng: chooseLanguage(),
  fallbackLng: 'en',
  defaultNS: 'common',
  ns: Object.keys(resources.en),
  interpolation: { escapeValue: false },
  returnNull: false,
})
document.documentElement.lang = i18n.language

/** The header's language switch: every view re-renders in `language`, remembered in this browser. */
export function setLanguage(language: Language): void {
  try {
    window.localStorage.setItem(storageKey, language)
  } catch {
    // storage may be unavailable (private mode): the choice lasts until reload
  }
  void i18n.changeLanguage(language)
  document.documentElement.lang = language
}

export { i18n }
