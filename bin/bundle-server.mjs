// Bundles the server (src/cli/main.ts and the two worker threads' entries) into plain JavaScript
// files in the folder given as argv[2], a sibling of dist/server (bin/build-server.cjs moves it
// there). Run by bin/build-server.cjs on Node 24; decision 0115 says why the server runs from a
// bundle.
//
// What the bundle must keep of the sources' behaviour:
// - `import.meta.url`, `.dirname` and `.filename` in src/ still name the source file: files read
//   beside a module (the widget's script, the price tables, web/dist) are found where they are in
//   the repository, relative to the bundle's folder, so a moved checkout keeps working.
// - `new URL('./x-worker.ts', import.meta.url)` handed to a Worker names the worker's bundled
//   entry (x-worker.js) instead.
// - Packages that read files of their own through __dirname, and the lazily loaded large ones,
//   stay outside the bundle and are loaded from node_modules as before.

import { builtinModules } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'rolldown'

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)))
const out = path.resolve(process.argv[2] ?? '')
if (!process.argv[2] || path.dirname(out) !== path.join(root, 'dist')) {
  process.stderr.write('usage: node bin/bundle-server.mjs dist/<folder>\n')
  process.exit(2)
}
// The folder the bundle ends up in: relative paths are computed from it (same depth as `out`).
const final = path.join(root, 'dist', 'server')

const entries = {
  main: path.join(root, 'src/cli/main.ts'),
  'processor-worker': path.join(root, 'src/webhooks/processor-worker.ts'),
  'sqlite-checkpoint-worker': path.join(root, 'src/db/sqlite-checkpoint-worker.ts'),
}
const entryNames = new Map(Object.entries(entries).map(([name, file]) => [file, name]))

// Read files of their own at run time (__dirname: swagger-ui's static folder, swagger's
// package.json), or are loaded on first use only and large (the S3 client, zxcvbn's dictionaries).
const external = [
  /^node:/,
  ...builtinModules,
  /^@fastify\/swagger(-ui)?(\/|$)/,
  /^@aws-sdk\//,
  /^@zxcvbn-ts\//,
]

const posix = (p) => p.split(path.sep).join('/')

/** Rewrites one source module's `import.meta` so that it still names that module's own file. */
function keepSourceLocation(code, id) {
  if (!code.includes('import.meta')) return null
  const relFile = posix(path.relative(final, id))
  const relDir = posix(path.relative(final, path.dirname(id)))
  // Worker entries first: they name the bundled file beside the bundle (the bundle's own
  // import.meta.url, written as a marker until the source's import.meta is rewritten).
  return code
    .replace(/new URL\((['"`])(\.{1,2}\/[^'"`$]+\.ts)\1,\s*import\.meta\.url\)/g, (whole, _quote, spec) => {
      const name = entryNames.get(path.resolve(path.dirname(id), spec))
      return name ? `new URL(${JSON.stringify(`./${name}.js`)}, __wahub_bundle_url__)` : whole
    })
    .replace(/import\.meta\.url(?![\w$])/g, `new URL(${JSON.stringify(relFile)}, import.meta.url).href`)
    .replace(/import\.meta\.dirname(?![\w$])/g, `(import.meta.dirname + ${JSON.stringify(`/${relDir}`)})`)
    .replace(/import\.meta\.filename(?![\w$])/g, `(import.meta.dirname + ${JSON.stringify(`/${relFile}`)})`)
    .replaceAll('__wahub_bundle_url__', 'import.meta.url')
}

await build({
  input: entries,
  platform: 'node',
  external,
  logLevel: 'warn',
  plugins: [
    {
      name: 'wahub-source-location',
      transform(code, id) {
        if (!id.startsWith(path.join(root, 'src') + path.sep)) return null
        const next = keepSourceLocation(code, id)
        return next === null ? null : { code: next, map: null }
      },
    },
  ],
  output: {
    dir: out,
    format: 'esm',
    // Whitespace and syntax only: names stay as written, so stack traces in the logs read as
    // the sources do.
    minify: { compress: true, mangle: false, codegen: { removeWhitespace: true } },
    // V8 keeps each module's source text, and a text with one character outside Latin-1 (an
    // em dash, a curly quote in a message) is kept as UTF-16: twice its length. Escaped to ASCII,
    // the bundle's sources take half the heap in every thread that loads them.
    charset: 'ascii',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunk-[name]-[hash].js',
  },
})
