import { z } from 'zod';

/**
 * A response without a body (204): typed `undefined` for handlers, documented without content
 * (@fastify/swagger leaves out the content of a `type: 'null'` schema).
 */
export const noContent = (description: string) => z.undefined().meta({ type: 'null', description });

/** Body schemas that only document: the route's handler reads and checks that body itself. */
const documentOnly = new WeakSet<object>();

/**
 * Documents a multipart/form-data body that the handler streams itself (@fastify/multipart), for
 * OpenAPI and its clients; use with `consumes: ['multipart/form-data']`. Fastify does not validate
 * it (the body is not parsed before the handler runs), so the handler keeps every check.
 * Files are `z.file()` (binary strings in the document).
 */
export function multipartBody<T extends z.ZodType>(schema: T): T {
  documentOnly.add(schema);
  return schema;
}

export function isDocumentOnly(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && documentOnly.has(schema);
}
