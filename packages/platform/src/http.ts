import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { CORRELATION_HEADER } from '@relay/contracts';
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
import { enterCorrelation, sanitizeCorrelationId } from './correlation.ts';
import { AppError, CommonErrorCode, PROBLEM_CONTENT_TYPE, toProblem } from './errors.ts';
import { type ReadinessCheck, runReadinessChecks } from './health.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';

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
}

/**
 * The base every HTTP process shares: correlation ids, problem+json errors,
 * /healthz, /readyz, /metrics and (optionally) OpenAPI docs.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: (req) => sanitizeCorrelationId(req.headers[CORRELATION_HEADER]) ?? randomUUID(),
    // Our onResponse hook logs requests with the route; fastify's own lines would double them.
    logController: new LogController({ disableRequestLogging: true }),
    // The logger's mixin already adds the correlation id (= request id) to every line.
    childLoggerFactory: (logger, _bindings, options) => logger.child({}, options),
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const metrics = options.metrics ?? createMetrics(options.name);
  let draining = false;

  app.addHook('onRequest', async (request, reply) => {
    enterCorrelation(request.id);
    reply.header(CORRELATION_HEADER, request.id);
  });
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
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      new AppError({
        code: CommonErrorCode.NotFound,
        status: 404,
        title: 'Not Found',
        detail: `${request.method} ${request.url} does not exist.`,
      }),
      request,
      reply,
    ),
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

function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply) {
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
    return new AppError({
      code: CommonErrorCode.ValidationFailed,
      status: 400,
      title: 'Bad Request',
      detail: 'The request does not match the expected shape.',
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
    return new AppError({
      code: clientErrorCode(status),
      status,
      title: httpTitle(status),
      detail: fastifyError?.message,
    });
  }
  if (status === 503) {
    return new AppError({
      code: CommonErrorCode.DependencyUnavailable,
      status,
      title: 'Service Unavailable',
    });
  }
  return new AppError({
    code: CommonErrorCode.Internal,
    status: 500,
    title: 'Internal Server Error',
    detail: 'Something went wrong on our side; quote the errorId when reporting it.',
    cause: error,
  });
}

function clientErrorCode(status: number): string {
  switch (status) {
    case 401:
      return CommonErrorCode.Unauthorized;
    case 403:
      return CommonErrorCode.Forbidden;
    case 404:
      return CommonErrorCode.NotFound;
    case 413:
      return CommonErrorCode.PayloadTooLarge;
    case 415:
      return CommonErrorCode.UnsupportedMediaType;
    case 429:
      return CommonErrorCode.RateLimited;
    default:
      return CommonErrorCode.ValidationFailed;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
};

function httpTitle(status: number): string {
  return TITLES[status] ?? 'Bad Request';
}
