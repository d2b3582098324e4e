import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from '../context.ts'
import { selectFields } from '../fields.ts'
import { invalidParam } from '../graph-errors.ts'
import { numberFor } from '../lookup.ts'
import { graphParams } from '../request-info.ts'
import { oneOf, optionalString, requireArray, requireHttpUrl } from '../validate-helpers.ts'

// /{pnid}/whatsapp_business_profile (M-PROFILE): GET with fields → { data: [ {...} ] } (flat,
// as Meta's page shows), POST with Meta's length limits → { success: true }.

const verticals = [
  'UNDEFINED',
  'OTHER',
  'AUTO',
  'BEAUTY',
  'APPAREL',
  'EDU',
  'ENTERTAIN',
  'EVENT_PLAN',
  'FINANCE',
  'GROCERY',
  'GOVT',
  'HOTEL',
  'HEALTH',
  'NONPROFIT',
  'PROF_SERVICES',
  'RETAIL',
  'TRAVEL',
  'RESTAURANT',
  'ALCOHOL',
  'ONLINE_GAMBLING',
  'PHYSICAL_GAMBLING',
  'OTC_DRUGS',
] as const

export async function businessProfileRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.get('/:id/whatsapp_business_profile', async (req) => {
    const { id } = req.params as { id: string }
    const n = numberFor(ctx, req, id, 'management')
    const p = n.businessProfile
    const profile = selectFields(
      {
        about: () => p.about,
        address: () => p.address,
        description: () => p.description,
        email: () => p.email,
        profile_picture_url: () => p.profile_picture_url,
        websites: () => p.websites,
        vertical: () => p.vertical,
        messaging_product: () => 'whatsapp',
      },
      graphParams(req).fields,
      [
        'about',
        'address',
        'description',
        'email',
        'profile_picture_url',
        'websites',
        'vertical',
        'messaging_product',
      ],
      'WhatsAppBusinessProfile',
    )
    profile.messaging_product = 'whatsapp'
    return { data: [profile] }
  })

  app.post('/:id/whatsapp_business_profile', async (req) => {
    const { id } = req.params as { id: string }
    const n = numberFor(ctx, req, id, 'management')
    const params = graphParams(req)
    if (params.messaging_product === undefined)
      throw invalidParam('The parameter messaging_product is required.')
    oneOf(params.messaging_product, 'messaging_product', ['whatsapp'])
    const about = optionalString(params.about, 'about', { min: 1, max: 139 })
    const address = optionalString(params.address, 'address', { min: 0, max: 256 })
    const description = optionalString(params.description, 'description', { min: 0, max: 512 })
    const email = optionalString(params.email, 'email', { min: 0, max: 128 })
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      throw invalidParam('Param email must be a valid email address.')
    let websites: string[] | undefined
    if (params.websites !== undefined) {
      const list = requireArray(params.websites, 'websites')
      if (list.length > 2) throw invalidParam('Param websites must have at most 2 URLs.')
      websites = list.map((w, i) => {
        const url = requireHttpUrl(w, `websites[${i}]`)
        if (url.length > 256) throw invalidParam(`Param websites[${i}] must be at most 256 characters long.`)
        return url
      })
    }
    const vertical = params.vertical === undefined ? undefined : oneOf(params.vertical, 'vertical', verticals)
    const p = n.businessProfile
    if (about !== undefined) p.about = about
    if (address !== undefined) p.address = address
    if (description !== undefined) p.description = description
    if (email !== undefined) p.email = email
    if (websites !== undefined) p.websites = websites
    if (vertical !== undefined) p.vertical = vertical
    if (typeof params.profile_picture_handle === 'string') {
      p.profile_picture_url = `https://pps.whatsapp.net/emulated/${encodeURIComponent(params.profile_picture_handle)}`
    }
    return { success: true }
  })
}
