import { describe, expect, it } from 'vitest';
import { DOCUMENT_CRASHES_LIBREOFFICE, RetryableReason } from './reasons.ts';

const PROMISE_OF_RETRY = /tried again|will be retried|will retry|try again later automatically/i;

describe('failure reasons', () => {
  it('a retryable reason is shown only when no attempt is left, so none promises another', () => {
    const reasons = [
      RetryableReason.interrupted,
      RetryableReason.engineStopped,
      RetryableReason.serviceUnavailable('docx'),
      DOCUMENT_CRASHES_LIBREOFFICE,
    ];
    for (const reason of reasons) expect(reason).not.toMatch(PROMISE_OF_RETRY);
  });
});
