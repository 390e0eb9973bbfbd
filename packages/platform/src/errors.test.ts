import { describe, expect, it } from 'vitest';
import { CommonErrorCode, commonError, toProblem } from './errors.ts';
import { invalidTokenError } from './jwt.ts';

describe('error tables', () => {
  it('build an error from its code: status, title and default detail from the table', () => {
    const error = commonError(CommonErrorCode.RateLimited);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, title: 'Too Many Requests' });
    expect(error.detail).toBe('Too many requests; try again shortly.');
  });

  it('take a specific detail, headers and cause per occurrence, keeping the table’s headers', () => {
    const cause = new Error('redis down');
    const error = commonError(CommonErrorCode.ShuttingDown, {
      detail: 'Bye.',
      headers: { 'retry-after': '1' },
      cause,
    });
    expect(error).toMatchObject({ status: 503, detail: 'Bye.', headers: { 'retry-after': '1' } });
    expect(error.cause).toBe(cause);
    expect(toProblem(error, '/x')).toEqual({
      type: 'https://relay.dev/problems/shutting-down',
      title: 'Service Unavailable',
      status: 503,
      code: 'shutting_down',
      detail: 'Bye.',
      instance: '/x',
    });
  });

  it('add a bearer challenge to a refused token without changing the rest', () => {
    const refused = invalidTokenError(commonError(CommonErrorCode.TokenExpired, { headers: { 'x-a': '1' } }));
    expect(refused.code).toBe('token_expired');
    expect(refused.headers).toEqual({
      'x-a': '1',
      'www-authenticate': 'Bearer error="invalid_token", error_description="The access token has expired."',
    });
  });
});
