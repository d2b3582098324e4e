import { type TSchema, Type } from 'typebox'

// Null first: with the app's ajv `coerceTypes`, a union tried string-first would turn null into "".
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([Type.Null(), schema])
}

export const Millis = Type.Integer({ description: 'Epoch milliseconds' })

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) })

export const ForceQuery = Type.Object({
  force: Type.Optional(
    Type.Boolean({ description: 'Remove even when conversations would be deleted with it' }),
  ),
})

export const NoContent = Type.Null({ description: 'No content' })

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      fix: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { description: 'Every error: a stable code, what was wrong, what to do (docs/errors.md)' },
)

/** The error answers every authenticated route may give, for the OpenAPI description. */
export const authErrors = { 401: ErrorSchema, 403: ErrorSchema } as const
export const commonErrors = {
  400: ErrorSchema,
  ...authErrors,
  404: ErrorSchema,
  409: ErrorSchema,
  422: ErrorSchema,
} as const

export const Str = Type.String()
export const NStr = Nullable(Type.String())
