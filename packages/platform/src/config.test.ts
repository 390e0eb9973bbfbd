import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, port, redactConfig, secret } from './config.ts';

const shape = {
  PORT: port(8000),
  DATABASE_URL: secret(z.url()),
  API_KEY: secret(z.string().min(8).default('default-key')),
  MODE: z.enum(['a', 'b']).default('a'),
};

describe('loadConfig', () => {
  it('parses, coerces and applies defaults', () => {
    const config = loadConfig(shape, { PORT: '9001', DATABASE_URL: 'postgres://u:p@h/db' });
    expect(config).toEqual({
      PORT: 9001,
      DATABASE_URL: 'postgres://u:p@h/db',
      API_KEY: 'default-key',
      MODE: 'a',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing or invalid variable and never echoes a secret value', () => {
    const attempt = () => loadConfig(shape, { PORT: 'eighty', API_KEY: 'short', MODE: 'c' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const configError = error as ConfigError;
      expect(configError.variables.sort()).toEqual(['API_KEY', 'DATABASE_URL', 'MODE', 'PORT']);
      expect(configError.message).toContain('DATABASE_URL');
      expect(configError.message).not.toContain('short');
    }
  });
});

describe('redactConfig', () => {
  it('hides secret fields, including ones wrapped in a default', () => {
    const config = loadConfig(shape, { DATABASE_URL: 'postgres://u:p@h/db', API_KEY: 'supersecret' });
    expect(redactConfig(shape, config)).toEqual({
      PORT: 8000,
      DATABASE_URL: '[redacted]',
      API_KEY: '[redacted]',
      MODE: 'a',
    });
  });
});
