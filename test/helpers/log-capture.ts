import { Writable } from 'node:stream'
import type { LogLevel } from '../../src/config.ts'
import { createLogger, type Logger } from '../../src/log.ts'

// A log destination kept in memory, for tests that assert what was logged (and that secrets were
// not): `lines()` the records written so far, one by one, `text()` the same as one string.
export function captureStream(): { stream: Writable; text(): string; lines(): string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      // pino writes whole records, one or more a chunk.
      for (const line of chunk.toString().split('\n')) if (line) lines.push(line)
      done()
    },
  })
  return { stream, text: () => lines.join('\n'), lines: () => [...lines] }
}

/** A logger at `level` writing into a captureStream. */
export function captureLog(level: LogLevel): { log: Logger; text(): string; lines(): string[] } {
  const { stream, text, lines } = captureStream()
  return { log: createLogger(level, stream), text, lines }
}
