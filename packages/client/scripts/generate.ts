import { mkdirSync, writeFileSync } from 'node:fs'
import { generateClientFiles, generatedDir, openapiFile, typesFile } from './openapi.ts'

// `npm run client:generate`: rewrites packages/client/src/generated/schema.d.ts from the server's routes.
// test/client/client.test.ts fails when they are not in step.

const files = await generateClientFiles()
mkdirSync(generatedDir, { recursive: true })
writeFileSync(typesFile, files.types)
process.stdout.write(`wrote ${typesFile}\n`)
// The document itself (1.4 MB) is written only when asked: `npm run client:generate -- --openapi`.
if (process.argv.includes('--openapi')) {
  writeFileSync(openapiFile, files.openapi)
  process.stdout.write(`wrote ${openapiFile}\n`)
}
