import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from '../context.ts'
import { graphParams } from '../request-info.ts'
import { startUpload } from '../resumable-uploads.ts'

// POST /{app-id}/uploads opens a resumable upload session (resumable-uploads.ts); the session
// itself (/upload:{id}) is addressed like any Graph node, in objects.ts.

export async function uploadRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.post('/:id/uploads', async (req) => {
    const { id } = req.params as { id: string }
    return startUpload(ctx, req, id, graphParams(req))
  })
}
