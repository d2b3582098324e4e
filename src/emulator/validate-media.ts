import type { EmulatorContext } from './context.ts'
import { GraphError, invalidParam } from './graph-errors.ts'
import { type MediaKind, mimeFitsKind } from './media-store.ts'
import type { JsonObject } from './types.ts'
import {
  fieldPath,
  optionalString,
  requireHttpUrl,
  requireObject,
  requireString,
} from './validate-helpers.ts'

/**
 * A media object of a send (image/audio/video/document/sticker, or a header): exactly one of
 * `id` (an uploaded, undeleted media whose MIME fits the kind, else 131053) or an http(s) `link`.
 */
export function validateMediaObject(
  ctx: EmulatorContext,
  kind: MediaKind,
  value: unknown,
  root: string,
  parts: (string | number)[],
  allowCaption: boolean,
): JsonObject {
  const path = fieldPath(root, ...parts)
  const media = requireObject(value, path)
  const hasId = media.id !== undefined
  const hasLink = media.link !== undefined
  if (hasId === hasLink) throw invalidParam(`Param ${path} must have either 'id' or 'link' (exactly one).`)
  if (hasId) {
    const id = requireString(media.id, fieldPath(root, ...parts, 'id'))
    const stored = ctx.state.media.get(id)
    if (!stored || stored.deleted) {
      throw invalidParam(
        `Param ${fieldPath(root, ...parts, 'id')} is not a valid media id: ${id} was not found.`,
      )
    }
    if (!mimeFitsKind(stored.mimeType, kind)) {
      // FACTS §1.9: MIME mismatch on send → 131053.
      throw new GraphError(
        131053,
        `Media ${id} has MIME type ${stored.mimeType}, which cannot be sent as ${kind}.`,
      )
    }
  } else {
    requireHttpUrl(media.link, fieldPath(root, ...parts, 'link'))
  }
  if (media.caption !== undefined) {
    if (!allowCaption || kind === 'audio' || kind === 'sticker') {
      throw invalidParam(`Param ${fieldPath(root, ...parts, 'caption')} is not allowed for ${kind}.`)
    }
    optionalString(media.caption, fieldPath(root, ...parts, 'caption'), { min: 0, max: 1024 })
  }
  if (media.filename !== undefined) {
    if (kind !== 'document')
      throw invalidParam(`Param ${fieldPath(root, ...parts, 'filename')} is only for documents.`)
    optionalString(media.filename, fieldPath(root, ...parts, 'filename'), { max: 240 })
  }
  return media
}
