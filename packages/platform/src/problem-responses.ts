import { Problem } from '@relay/contracts';
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { CommonErrorCode, httpTitle, PROBLEM_CONTENT_TYPE } from './errors.ts';

/** Per HTTP status, the problem `code`s an answer with that status can carry. */
export type ProblemCodes = Readonly<Partial<Record<number, readonly string[]>>>;

/** A route's documented problem answer: problem+json whose `status` and `code` are pinned down. */
export interface ProblemResponse {
  description: string;
  content: { [PROBLEM_CONTENT_TYPE]: { schema: z.ZodType } };
}

/** The codes behind each documented problem answer, so the route hook can add its own to them. */
const codesOf = new WeakMap<object, { status: number; codes: readonly string[] }>();
/** Problem schemas are for the document: answers are serialized as plain problems whatever their code. */
const problemSchemas = new WeakSet<object>();

function problemResponse(status: number, codes: readonly string[]): ProblemResponse {
  const unique = [...new Set(codes)].sort();
  const [first, ...rest] = unique;
  if (first === undefined) throw new Error(`problem answer ${status} needs at least one code`);
  const schema = Problem.extend({ status: z.literal(status), code: z.enum([first, ...rest]) });
  problemSchemas.add(schema);
  const response: ProblemResponse = {
    description: `${httpTitle(status)} (problem+json); code: ${unique.join(', ')}`,
    content: { [PROBLEM_CONTENT_TYPE]: { schema } },
  };
  codesOf.set(response, { status, codes: unique });
  return response;
}

/**
 * A route's own problem answers for its `response` schema, e.g.
 * `problemResponses({ 401: [AuthErrorCode.InvalidCredentials], 429: [CommonErrorCode.RateLimited] })`.
 * Statuses every route can answer (400 on invalid input, 401 with `security`, 500, 503…) are added
 * by createHttpApp; a route names only what is special to it, and codes of one status are merged.
 */
export function problemResponses(codes: ProblemCodes): Record<number, ProblemResponse> {
  const responses: Record<number, ProblemResponse> = {};
  for (const [status, list] of Object.entries(codes)) {
    if (list !== undefined) responses[Number(status)] = problemResponse(Number(status), list);
  }
  return responses;
}

export function isProblemSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && problemSchemas.has(schema);
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What any route may answer, given what it declares: the HTTP layer's own problems. */
function commonProblems(route: Pick<RouteOptions, 'method' | 'schema'>): ProblemCodes {
  const schema = route.schema ?? {};
  const methods = [route.method].flat().map((method) => method.toUpperCase());
  const takesBody = methods.some((method) => BODY_METHODS.has(method));
  const validates = [schema.body, schema.querystring, schema.params, schema.headers].some(
    (part) => part !== undefined,
  );
  const codes: Record<number, string[]> = {
    500: [CommonErrorCode.Internal],
    503: [CommonErrorCode.DependencyUnavailable, CommonErrorCode.ShuttingDown],
  };
  // A body that is not JSON, or JSON of the wrong shape, is refused before any handler runs.
  if (validates || takesBody) codes[400] = [CommonErrorCode.ValidationFailed];
  if ((schema.security ?? []).length > 0) {
    codes[401] = [CommonErrorCode.Unauthorized, CommonErrorCode.TokenInvalid, CommonErrorCode.TokenExpired];
  }
  if (takesBody) {
    codes[408] = [CommonErrorCode.RequestTimeout];
    codes[413] = [CommonErrorCode.PayloadTooLarge];
    codes[415] = [CommonErrorCode.UnsupportedMediaType];
  }
  return codes;
}

/**
 * onRoute: adds the problem answers every route can give to its `response` schema, merged with the
 * route's own (the OpenAPI document and the serializers both read it). Hidden routes are left alone.
 */
export function documentProblems(route: RouteOptions): void {
  const schema = route.schema;
  if (schema === undefined || schema.hide === true) return;
  const response = { ...((schema.response ?? {}) as Record<string, unknown>) };
  for (const [status, codes] of Object.entries(commonProblems(route))) {
    const existing = response[status];
    const known = existing === undefined ? undefined : codesOf.get(existing as object);
    // A route's own non-problem answer for this status stays as it is.
    if (existing !== undefined && known === undefined) continue;
    response[status] = problemResponse(Number(status), [...(known?.codes ?? []), ...(codes ?? [])]);
  }
  route.schema = { ...schema, response };
}
