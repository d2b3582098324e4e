import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import ts from 'typescript'

// The dashboard's i18n, checked statically (milliseconds, no browser): no text a person reads is
// written inline in JSX, every key the code asks for exists in English, and the other languages
// hold only keys English has (so a renamed key cannot linger there untranslated) and every one of
// them (so nothing falls back to English).

const webSrc = path.join(import.meta.dirname, '..', '..', 'web', 'src')
const i18nDir = path.join(webSrc, 'i18n')
const languages = fs.readdirSync(i18nDir, { withFileTypes: true }).filter((d) => d.isDirectory())

/** Attributes whose value a person reads or hears. */
const readAttributes = new Set(['aria-label', 'title', 'placeholder', 'alt', 'label', 'aria-valuetext'])
/** Inline text allowed: the product's name and its mark. */
const allowedText = new Set(['Wahub', 'W'])
const hasWords = (text: string) => /\p{L}/u.test(text) && !allowedText.has(text.trim())

function sources(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return sources(full, ext)
    return e.name.endsWith(ext) ? [full] : []
  })
}

function parse(file: string): ts.SourceFile {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind)
}

/** String literals with words inside an expression shown in JSX, skipping call arguments (t(...)), comparisons and keys. */
function literalsShown(node: ts.Node, found: ts.Node[]): void {
  if (ts.isCallExpression(node) || ts.isElementAccessExpression(node) || ts.isArrowFunction(node)) return
  if (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node)) return
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind
    if (
      op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsToken
    )
      return
  }
  if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && hasWords(node.text)) {
    found.push(node)
    return
  }
  if (ts.isTemplateExpression(node)) {
    const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)]
    if (parts.some(hasWords)) found.push(node)
  }
  ts.forEachChild(node, (child) => literalsShown(child, found))
}

/** Every place in a .tsx file where text reaches the screen without t(...). */
function untranslated(file: string): string[] {
  const source = parse(file)
  const found: ts.Node[] = []
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text)) found.push(node)
    else if (ts.isJsxExpression(node) && node.expression && !ts.isJsxAttribute(node.parent))
      literalsShown(node.expression, found)
    else if (ts.isJsxAttribute(node) && readAttributes.has(node.name.getText(source)) && node.initializer) {
      if (ts.isStringLiteral(node.initializer) && hasWords(node.initializer.text)) found.push(node)
      else if (ts.isJsxExpression(node.initializer) && node.initializer.expression)
        literalsShown(node.initializer.expression, found)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found.map((n) => {
    const { line } = source.getLineAndCharacterOfPosition(n.getStart(source))
    return `${path.relative(webSrc, file)}:${line + 1}: ${n.getText(source).trim().slice(0, 80)}`
  })
}

/**
 * Sentences in the dashboard's plain modules (`.ts`: formatting, the API client, template
 * parameters…) that are not given through t(): a string or template starting with a capitalised
 * word followed by another word ("Unknown contact", `Header ${kind}`), outside i18n/ and
 * outside the arguments of a call (t('…'), new Error(…), console…).
 */
function sentencesInModules(file: string): string[] {
  const source = parse(file)
  const sentence = (text: string) => /^[\p{Lu}][\p{Ll}]+ \p{L}/u.test(text.trim())
  const found: ts.Node[] = []
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isImportDeclaration(node)) return
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && sentence(node.text))
      found.push(node)
    else if (ts.isTemplateExpression(node) && /^[\p{Lu}][\p{Ll}]+ /u.test(node.head.text)) found.push(node)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found.map((n) => {
    const { line } = source.getLineAndCharacterOfPosition(n.getStart(source))
    return `${path.relative(webSrc, file)}:${line + 1}: ${n.getText(source).trim().slice(0, 80)}`
  })
}

type Tree = { [key: string]: string | Tree }
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Tree

function keysOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`),
  )
}

test('no text in the dashboard JSX is written inline: every string a person reads goes through t()', () => {
  const offenders = sources(webSrc, '.tsx').flatMap(untranslated)
  assert.deepEqual(
    offenders,
    [],
    `These strings are shown untranslated; move each to web/src/i18n/en/<feature>.json and use t():\n${offenders.join('\n')}`,
  )
})

test("no sentence a person reads is written in the dashboard's plain modules either (.ts files)", () => {
  const files = sources(webSrc, '.ts').filter((f) => !f.startsWith(i18nDir) && !f.endsWith('.d.ts'))
  const found = files.flatMap(sentencesInModules)
  assert.deepEqual(
    found,
    [],
    `Give these through t() (web/src/i18n/<lang>/<feature>.json):\n${found.join('\n')}`,
  )
  const probe = path.join(os.tmpdir(), 'wahub-i18n-probe.ts')
  fs.writeFileSync(
    probe,
    "export const label = (k: string) => (k ? `Header ${k}` : 'Unknown contact')\nt('Fine here')\n",
  )
  try {
    assert.equal(sentencesInModules(probe).length, 2, 'the check itself must find both sentences')
  } finally {
    fs.rmSync(probe)
  }
})

test('the check finds inline text, string attributes people read, and literals in conditionals', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-i18n-')), 'fixture.tsx')
  fs.writeFileSync(
    file,
    `export const A = (p: { on: boolean }) => <p title="Hello" className="x">Hi {p.on ? 'Yes' : t('no')} {p.on === 'x' ? 1 : 2}</p>\n`,
  )
  try {
    const found = untranslated(file).map((line) => line.split(': ')[1])
    assert.deepEqual(found, ['title="Hello"', 'Hi', "'Yes'"])
  } finally {
    fs.rmSync(file)
  }
})

test('every translation key the dashboard code asks for exists in English', () => {
  const english = new Map<string, Set<string>>()
  for (const file of fs.readdirSync(path.join(i18nDir, 'en')))
    english.set(path.basename(file, '.json'), new Set(keysOf(readJson(path.join(i18nDir, 'en', file)))))
  const missing: string[] = []
  for (const file of [...sources(webSrc, '.tsx'), ...sources(webSrc, '.ts')]) {
    const source = parse(file)
    let namespace = 'common'
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(source)
        const first = node.arguments[0]
        if (callee === 'useTranslation' && first && ts.isStringLiteral(first)) namespace = first.text
        if ((callee === 't' || callee === 'i18n.t') && first && ts.isStringLiteral(first)) {
          const [ns, key] = first.text.includes(':') ? first.text.split(':') : [namespace, first.text]
          if (!english.get(ns)?.has(key)) missing.push(`${path.relative(webSrc, file)}: ${ns}:${key}`)
        }
      }
      if (ts.isJsxAttribute(node) && node.name.getText(source) === 'i18nKey') {
        const init = node.initializer
        if (init && ts.isStringLiteral(init) && !english.get(namespace)?.has(init.text))
          missing.push(`${path.relative(webSrc, file)}: ${namespace}:${init.text}`)
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  assert.deepEqual(missing, [], `Keys used in code but absent from web/src/i18n/en:\n${missing.join('\n')}`)
})

test('every language has a file per feature, holding only keys that English has', () => {
  const features = fs.readdirSync(path.join(i18nDir, 'en')).sort()
  assert.ok(features.length > 0, 'web/src/i18n/en has no locale file')
  for (const lang of languages) {
    assert.deepEqual(
      fs.readdirSync(path.join(i18nDir, lang.name)).sort(),
      features,
      `web/src/i18n/${lang.name} must hold one file per feature, like en`,
    )
    for (const feature of features) {
      const english = new Set(keysOf(readJson(path.join(i18nDir, 'en', feature))))
      const extra = keysOf(readJson(path.join(i18nDir, lang.name, feature))).filter(
        (k) => !english.has(k) && !feature.startsWith('errors'),
      )
      assert.deepEqual(extra, [], `web/src/i18n/${lang.name}/${feature} has keys English lacks`)
    }
  }
})

test('every language translates every key English has: nothing falls back to English (issue 16)', () => {
  const features = fs.readdirSync(path.join(i18nDir, 'en')).sort()
  const missing: string[] = []
  for (const lang of languages.filter((l) => l.name !== 'en')) {
    for (const feature of features) {
      const translated = new Set(keysOf(readJson(path.join(i18nDir, lang.name, feature))))
      for (const key of keysOf(readJson(path.join(i18nDir, 'en', feature))))
        if (!translated.has(key)) missing.push(`${lang.name}/${feature}: ${key}`)
    }
  }
  assert.deepEqual(
    missing,
    [],
    `Translate these keys (the terms WhatsApp itself uses in that language), or the dashboard shows English:\n${missing.join('\n')}`,
  )
})
