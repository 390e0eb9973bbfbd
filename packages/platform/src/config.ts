import { z } from 'zod';
import { tracingEnv } from './tracing-env.ts';

/** Marks a config field as secret: never logged, never echoed in errors. */
export const secret = <T extends z.ZodType>(schema: T): T => schema.meta({ sensitive: true });

export class ConfigError extends Error {
  readonly variables: string[];
  constructor(variables: string[], message: string) {
    super(message);
    this.name = 'ConfigError';
    this.variables = variables;
  }
}

/** Settings every process shares. Spread into a service's own schema. */
export const baseEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...tracingEnv,
};

/** A TCP port; 0 lets the OS choose, which the integration tests use. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** An optional variable, where `NAME=` (empty, as in .env.example) also means unset. */
export const unsetWhenEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** The port of a process's optional ops server (/healthz, /readyz, /metrics); unset means none. */
export const optionalPort = () => unsetWhenEmpty(z.coerce.number().int().min(0).max(65535));

/**
 * Parses the environment once at boot. Fails fast with every bad variable named,
 * and never prints the value of a secret one.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<z.ZodObject<Shape>>> {
  const schema = z.object(shape);
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `  ${name}: ${issue.message}`;
    });
    const variables = [...new Set(result.error.issues.map((issue) => issue.path.join('.')))];
    throw new ConfigError(variables, `Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data);
}

/** The config with secret fields replaced, safe to log at start-up. */
export function redactConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  config: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const field = shape[key];
    const sensitive = field !== undefined && isSensitive(field);
    shown[key] = sensitive ? '[redacted]' : value;
  }
  return shown;
}

function isSensitive(schema: z.core.$ZodType): boolean {
  if (z.globalRegistry.get(schema)?.sensitive === true) return true;
  // Wrappers such as .default() and .optional() keep the marked schema inside.
  const inner = (schema._zod.def as { innerType?: z.core.$ZodType }).innerType;
  return inner !== undefined && isSensitive(inner);
}
