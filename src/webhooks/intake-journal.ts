import fs from 'node:fs'
import path from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import { crc32 } from 'node:zlib'
import { ensurePrivateDir } from '../db/private-files.ts'
import { createIntakeCommit } from './sqlite-intake.ts'

// On SQLite, a webhook is answered 200 once its batch is appended to the intake journal, not
// once the webhook thread has committed it (decision 0129). The thread commits between two of
// its processing transactions, so an answer that waited for the commit waited for whatever
// transaction was running: at 2,000 new messages/s the p99 answer was 43–49 ms, and the 32
// connections of a 5,000/s load reached 2,600–3,400/s. The append is a write() of the batch into
// the kernel's page cache, done by the answering thread itself: the same promise as a commit in
// WAL mode with synchronous=NORMAL (docs/decisions/0002-node-sqlite.md), which reaches the disk
// on the next checkpoint — an answered event survives `kill -9` the next instant (SPEC §5), an
// OS crash can lose the last ones.
//
// The journal is a few segment files beside the database (`wahub.db-intake-<n>.log`, owner-only).
// A record is a 12-byte header (rows' length, bodies' length, CRC-32 of both) then the packed
// batch (sqlite-intake.ts). A segment is deleted once every batch in it is committed and the
// next one has started; at 4 MiB the next append starts a new segment. At start, before the
// server listens, what the segments still hold is committed (`recoverIntakeJournal`): events
// already in `webhook_events` are skipped by id, the others get their processing job. A record
// torn by an OS crash ends its segment's recovery (it was never answered: its write() had not
// returned).

/** Bytes after which the next append starts a new segment. */
export const segmentBytes = 4 * 1024 * 1024
const headerBytes = 12

type Segment = { n: number; fd: number; size: number; pending: number; file: string }

/** A batch in the journal: hand it back to `committed` once the database holds it. */
export type JournalEntry = { readonly segment: Segment }

export type IntakeJournal = {
  /** Appends a packed batch; throws (nothing of it kept) when the file cannot take it. */
  append(rows: string, bodies: Uint8Array): JournalEntry
  /** The batch is committed: its segment goes once nothing else in it waits. */
  committed(entry: JournalEntry): void
  /** Closes the files; segments with uncommitted batches stay for the next start. */
  close(): void
}

const segmentPattern = (base: string) =>
  new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-intake-(\\d+)\\.log$`)

/** The journal's segment files for the database `dbFile`, oldest first. */
export function journalSegments(dbFile: string): { n: number; file: string }[] {
  const dir = path.dirname(dbFile)
  const pattern = segmentPattern(path.basename(dbFile))
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ n: Number(x.m[1]), file: path.join(dir, x.name) }))
    .sort((a, b) => a.n - b.n)
}

/**
 * Opens the journal of `dbFile` for appends. Its segments are numbered after every existing one
 * and after `after`: the last number of the previous run's segments, which a restarted webhook
 * thread recovers again and must never find this run's batches among.
 */
export function openIntakeJournal(dbFile: string, after = 0): IntakeJournal {
  ensurePrivateDir(path.dirname(dbFile))
  let next = Math.max(journalSegments(dbFile).at(-1)?.n ?? 0, after) + 1
  let current: Segment | undefined
  const header = Buffer.alloc(headerBytes)

  // A segment that cannot be deleted stays: the next start commits it again, which changes nothing.
  const retire = (segment: Segment) => {
    if (segment === current || segment.pending > 0) return
    try {
      if (segment.fd >= 0) fs.closeSync(segment.fd)
      segment.fd = -1
      fs.rmSync(segment.file, { force: true })
    } catch {}
  }
  const open = (): Segment => {
    const n = next++
    const file = `${dbFile}-intake-${String(n).padStart(6, '0')}.log`
    return { n, file, fd: fs.openSync(file, 'wx', 0o600), size: 0, pending: 0 }
  }

  return {
    append(rows, bodies) {
      if (current && current.size >= segmentBytes) {
        const full = current
        current = undefined
        retire(full)
      }
      current ??= open()
      const segment = current
      const rowBytes = Buffer.from(rows, 'utf8')
      header.writeUInt32LE(rowBytes.byteLength, 0)
      header.writeUInt32LE(bodies.byteLength, 4)
      header.writeUInt32LE(crc32(bodies, crc32(rowBytes)), 8)
      const parts = [header, rowBytes, bodies]
      const total = headerBytes + rowBytes.byteLength + bodies.byteLength
      let written = 0
      try {
        while (written < total) {
          let skip = written
          const rest: Uint8Array[] = []
          for (const p of parts) {
            if (skip >= p.byteLength) skip -= p.byteLength
            else {
              rest.push(skip > 0 ? p.subarray(skip) : p)
              skip = 0
            }
          }
          written += fs.writevSync(segment.fd, rest, segment.size + written)
        }
      } catch (err) {
        // A partial record would end recovery there and hide every later one: cut it off, or
        // leave this segment (recovery stops at the cut) and start the next append on a new one.
        try {
          if (written > 0) fs.ftruncateSync(segment.fd, segment.size)
        } catch {
          current = undefined
          retire(segment)
        }
        throw err
      }
      segment.size += total
      segment.pending++
      return { segment }
    },
    committed({ segment }) {
      segment.pending--
      retire(segment)
    },
    close() {
      if (current) {
        const last = current
        current = undefined
        if (last.pending === 0) retire(last)
        else {
          fs.closeSync(last.fd)
          last.fd = -1
        }
      }
    },
  }
}

/** The batches of one segment, up to the first torn or damaged record. */
export function readSegment(file: string): { rows: string; bodies: Uint8Array }[] {
  const data = fs.readFileSync(file)
  const out: { rows: string; bodies: Uint8Array }[] = []
  let at = 0
  while (at + headerBytes <= data.byteLength) {
    const rowLength = data.readUInt32LE(at)
    const bodyLength = data.readUInt32LE(at + 4)
    const sum = data.readUInt32LE(at + 8)
    const end = at + headerBytes + rowLength + bodyLength
    if (end > data.byteLength) break
    const rowBytes = data.subarray(at + headerBytes, at + headerBytes + rowLength)
    const bodies = data.subarray(at + headerBytes + rowLength, end)
    if (crc32(bodies, crc32(rowBytes)) !== sum) break
    out.push({ rows: rowBytes.toString('utf8'), bodies })
    at = end
  }
  return out
}

/**
 * Commits what the journal segments of `dbFile` numbered up to `upTo` still hold, then deletes
 * them: run by the webhook thread at its start, on its connection, before it commits anything of
 * this run. Events already in `webhook_events` are skipped by id.
 */
export function recoverIntakeJournal(
  raw: DatabaseSync,
  dbFile: string,
  upTo: number,
): { segments: number; batches: number; events: number } {
  const segments = journalSegments(dbFile).filter((s) => s.n <= upTo)
  const done = { segments: segments.length, batches: 0, events: 0 }
  if (segments.length === 0) return done
  const commit = createIntakeCommit(raw)
  for (const { file } of segments) {
    for (const batch of readSegment(file)) {
      done.batches++
      done.events += commit.commit(batch.rows, batch.bodies)
    }
    fs.rmSync(file, { force: true })
  }
  return done
}
