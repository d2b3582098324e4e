import { Type } from 'typebox'

export const LabelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  color: Type.String({ description: 'A colour like #1e88e5' }),
})
