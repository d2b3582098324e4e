import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from '../context.ts'
import { numberFor } from '../lookup.ts'
import { apiVersionOf, requestInfo } from '../request-info.ts'
import { sendMessage } from '../send-message.ts'

// POST /{phone-number-id}/messages: every outbound type, mark-as-read and typing (FACTS §2).
export async function messageRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.post('/:id/messages', async (req) => {
    const { id } = req.params as { id: string }
    const number = numberFor(ctx, req, id, 'messaging')
    const { response, wamid } = sendMessage(ctx, number, req.body, apiVersionOf(req))
    requestInfo(req).wamid = wamid
    return response
  })
}
