import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { metaErrorRanges, metaErrors } from '../../src/cloud-api/error-catalogue.ts'
import { errorsDocPath, renderErrorsDoc } from '../../src/cloud-api/render-errors-doc.ts'

const regenerate = 'regenerate it with: node src/cloud-api/render-errors-doc.ts --write'

test('docs/meta-errors.md is the rendering of the catalogue', () => {
  assert.ok(existsSync(errorsDocPath), `docs/meta-errors.md is missing; ${regenerate}`)
  const committed = readFileSync(errorsDocPath, 'utf8')
  assert.ok(
    committed === renderErrorsDoc(),
    `docs/meta-errors.md is out of date with the catalogue; ${regenerate}`,
  )
})

test('every catalogued code has a row in docs/meta-errors.md and every row is a catalogued code', () => {
  const doc = readFileSync(errorsDocPath, 'utf8')
  const rowCodes = [...doc.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]))
  const codes = Object.keys(metaErrors).map(Number)
  assert.deepEqual(
    codes.filter((c) => !rowCodes.includes(c)),
    [],
    `codes missing from the doc; ${regenerate}`,
  )
  assert.deepEqual(
    rowCodes.filter((c) => !codes.includes(c)),
    [],
    `doc rows without a catalogue entry; ${regenerate}`,
  )
  for (const r of metaErrorRanges) {
    assert.ok(doc.includes(`| ${r.from}–${r.to} |`), `family ${r.from}–${r.to} missing; ${regenerate}`)
  }
})

test('a pipe in a catalogue text cannot break the doc table', () => {
  const doc = renderErrorsDoc()
  for (const line of doc.split('\n').filter((l) => /^\| \d/.test(l))) {
    const cells = line.split(/(?<!\\)\|/).length - 2
    assert.equal(cells, 7, `row has ${cells} cells: ${line.slice(0, 60)}`)
  }
})
