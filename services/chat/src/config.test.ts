import { describe, expect, it } from 'vitest';
import { loadChatConfig } from './config.ts';

const base = { CHAT_DATABASE_URL: 'postgres://relay@127.0.0.1:5432/relay_chat' };

describe('chat config', () => {
  it('reads an empty optional variable (as .env.example lists them) as unset', () => {
    const config = loadChatConfig({ ...base, CHAT_CONSUMER_PORT: '', CHAT_CONSUMER_INSTANCE_ID: '' });
    expect(config.CHAT_CONSUMER_PORT).toBeUndefined();
    expect(config.CHAT_CONSUMER_INSTANCE_ID).toBeUndefined();
    expect(loadChatConfig(base).CHAT_CONSUMER_PORT).toBeUndefined();
  });

  it('takes a consumer port and instance id when given', () => {
    const config = loadChatConfig({ ...base, CHAT_CONSUMER_PORT: '9464', CHAT_CONSUMER_INSTANCE_ID: 'c-0' });
    expect(config).toMatchObject({ CHAT_CONSUMER_PORT: 9464, CHAT_CONSUMER_INSTANCE_ID: 'c-0' });
  });

  it('names a bad variable', () => {
    expect(() => loadChatConfig({ ...base, CHAT_CONSUMER_PORT: 'http' })).toThrow(/CHAT_CONSUMER_PORT/);
  });
});
