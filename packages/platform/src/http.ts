import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { CORRELATION_HEADER, Problem } from '@relay/contracts';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AllowedMethods } from './allowed-methods.ts';
import { type Authenticate, missingToken } from './authenticate.ts';
import { enterCorrelation, sanitizeCorrelationId } from './correlation.ts';
import { isDocumentOnly } from './documented-bodies.ts';
import { AppError, CommonErrorCode, commonError, PROBLEM_CONTENT_TYPE, toProblem } from './errors.ts';
import { type ReadinessCheck, runReadinessChecks } from './health.ts';
import {
  bodyDeadline,
  clientErrorHandler,
  DEFAULT_HTTP_TIMEOUTS,
  type HttpTimeouts,
  timeoutServerOptions,
} from './http-timeouts.ts';
import { bearerToken } from './jwt.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { documentProblems, isProblemSchema } from './problem-responses.ts';
import { activeTraceId, tagRequestSpan } from './tracing.ts';

export type HttpApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface HttpAppOptions {
  name: string;
  version: string;
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  /** Serves OpenAPI at /docs when given. */
  openapi?: { title: string; description: string };
  bodyLimit?: number;
  /** The registry /metrics serves; one of its own by default. Pass one to add the process's own metrics. */
  metrics?: Metrics;
  /** Deadlines for slow clients; DEFAULT_HTTP_TIMEOUTS for any left out. */
  timeouts?: Partial<HttpTimeouts>;
  /**
   * Resolves the caller of every route with `security` as the request arrives, so a bad token is a
   * 401 before any body is read or validated; routes get the same answer from it (memoized).
   */
  authenticate?: Authenticate;
  /**
   * Browser origins allowed to call with credentials (the SPA's). Every answer to them carries the CORS
   * headers, refusals included: a 401 the browser hides as a CORS error never reaches the SPA's refresh.
   */
  corsOrigins?: readonly string[];
}

/** Answered by every process itself, whatever state it is in; no problem documents for them. */
const OPERATIONAL_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The base every HTTP process shares: correlation ids, problem+json errors (documented on every
 * route, 405 with `Allow` for a known path's unsupported method), deadlines for slow clients,
 * /healthz, /readyz, /metrics and (optionally) OpenAPI docs.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    ...timeoutServerOptions(timeouts),
    clientErrorHandler: clientErrorHandler(options.logger),
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // A client's own correlation id wins; else the trace's id, so logs and traces share one id.
    genReqId: (req) =>
      sanitizeCorrelationId(req.headers[CORRELATION_HEADER]) ?? activeTraceId() ?? randomUUID(),
    // Our onResponse hook logs requests with the route; fastify's own lines would double them.
    logController: new LogController({ disableRequestLogging: true }),
    // The logger's mixin already adds the correlation id (= request id) to every line.
    childLoggerFactory: (logger, _bindings, options) => logger.child({}, options),
    // Our onRequest hook answers while draining, with a problem like every other refusal.
    return503OnClosing: false,
  }).withTypeProvider<ZodTypeProvider>();
  type ValidatedPart = Parameters<typeof validatorCompiler>[0];
  app.setValidatorCompiler((part) =>
    isDocumentOnly(part.schema) ? (value: unknown) => ({ value }) : validatorCompiler(part as ValidatedPart),
  );
  // Problem answers are documented per code; whatever their code, they are sent as problems.
  type SerializedRoute = Parameters<typeof serializerCompiler>[0];
  app.setSerializerCompiler((route) =>
    serializerCompiler({
      ...route,
      schema: isProblemSchema(route.schema) ? Problem : route.schema,
    } as SerializedRoute),
  );

  const metrics = options.metrics ?? createMetrics(options.name);
  const allowedMethods = new AllowedMethods();
  let draining = false;

  // First of all hooks: the ones below may answer (401, 404, 503) before a later hook would run.
  if (options.corsOrigins !== undefined) {
    await app.register(fastifyCors, {
      origin: [...options.corsOrigins],
      credentials: true,
      exposedHeaders: ['retry-after', CORRELATION_HEADER],
    });
  }
  app.addHook('onRoute', (route) => {
    allowedMethods.learn(route);
    documentProblems(route);
  });
  app.addHook('onRequest', async (request, reply) => {
    enterCorrelation(request.id);
    tagRequestSpan(request.id, request.method, request.routeOptions.url);
    reply.header(CORRELATION_HEADER, request.id);
    if (draining && !OPERATIONAL_ROUTES.has(request.routeOptions.url ?? '')) throw shuttingDown();
    // A route that needs credentials refuses missing or bad ones before its body is read or validated.
    const secured = (request.routeOptions.schema?.security ?? []).length > 0;
    if (secured && options.authenticate !== undefined) await options.authenticate(request);
    else if (secured && bearerToken(request.headers.authorization) === undefined) throw missingToken();
    // Here, before Fastify reads (or demands a content type for) a body no route will take.
    if (request.is404) throw noRoute(request.method, request.url, allowedMethods.of(app, request.url));
  });
  app.addHook('preParsing', bodyDeadline(timeouts));
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration
      .labels(request.method, route, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    request.log.debug(
      { method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime },
      'request',
    );
  });
  app.addHook('preClose', async () => {
    draining = true;
  });

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  // A handler's reply.callNotFound() ends here; requests matching no route are answered on arrival.
  app.setNotFoundHandler((request, reply) =>
    sendProblem(noRoute(request.method, request.url, []), request, reply),
  );

  if (options.openapi !== undefined) {
    await app.register(fastifySwagger, {
      openapi: {
        info: { ...options.openapi, version: options.version },
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: jsonSchemaTransform,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  }

  registerOperationalRoutes(app, metrics, options.readiness, () => draining);
  return app;
}

function registerOperationalRoutes(
  app: HttpApp,
  metrics: Metrics,
  readiness: readonly ReadinessCheck[],
  isDraining: () => boolean,
): void {
  const hidden = { schema: { hide: true } };
  app.get('/healthz', hidden, async () => ({ status: 'ok' }));
  app.get('/readyz', hidden, async (_request, reply) => {
    const report = await runReadinessChecks(readiness);
    const ready = report.ready && !isDraining();
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: report.checks });
  });
  app.get('/metrics', hidden, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

/** 405 with `Allow` when the path is known under other methods, else 404. */
function noRoute(method: string, url: string, allowed: readonly string[]): AppError {
  if (allowed.length === 0 || allowed.includes(method)) {
    return commonError(CommonErrorCode.NotFound, { detail: `${method} ${url} does not exist.` });
  }
  return commonError(CommonErrorCode.MethodNotAllowed, {
    detail: `${method} is not supported here; use ${allowed.join(', ')}.`,
    headers: { allow: allowed.join(', ') },
  });
}

const shuttingDown = () =>
  commonError(CommonErrorCode.ShuttingDown, { headers: { connection: 'close', 'retry-after': '1' } });

function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  // The client hung up (or was cut off) mid-request: nobody hears the answer, and it is no fault of ours.
  if (request.raw.destroyed && (error as { code?: unknown } | undefined)?.code === 'ECONNRESET') {
    request.log.info({ err: error }, 'client gone before the answer');
    return reply.code(499).send(); // nginx's "client closed request", for the metrics
  }
  const appError = toAppError(error);
  if (appError.status >= 500) {
    const errorId = request.id;
    request.log.error({ err: error, errorId }, 'request failed');
    return reply
      .code(appError.status)
      .headers(appError.headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...toProblem(appError, request.url), errorId });
  }
  request.log.info({ code: appError.code, status: appError.status }, 'request rejected');
  return reply
    .code(appError.status)
    .headers(appError.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(toProblem(appError, request.url));
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError> | undefined;
  if (fastifyError !== undefined && hasZodFastifySchemaValidationErrors(fastifyError)) {
    return commonError(CommonErrorCode.ValidationFailed, {
      errors: fastifyError.validation.map((issue) => ({
        path: [fastifyError.validationContext, issue.instancePath.replace(/^\//, '').replaceAll('/', '.')]
          .filter(Boolean)
          .join('.'),
        message: issue.message ?? 'invalid',
      })),
    });
  }
  const status = fastifyError?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return commonError(clientErrorCode(status), { detail: fastifyError?.message, cause: error });
  }
  if (status === 503) return commonError(CommonErrorCode.DependencyUnavailable, { cause: error });
  return commonError(CommonErrorCode.Internal, { cause: error });
}

/** A framework refusal by its status; any other 4xx is the request's shape (400). */
function clientErrorCode(status: number): CommonErrorCode {
  switch (status) {
    case 401:
      return CommonErrorCode.Unauthorized;
    case 403:
      return CommonErrorCode.Forbidden;
    case 404:
      return CommonErrorCode.NotFound;
    case 413:
      return CommonErrorCode.PayloadTooLarge;
    case 405:
      return CommonErrorCode.MethodNotAllowed;
    case 408:
      return CommonErrorCode.RequestTimeout;
    case 415:
      return CommonErrorCode.UnsupportedMediaType;
    case 429:
      return CommonErrorCode.RateLimited;
    default:
      return CommonErrorCode.ValidationFailed;
  }
}
