/** The dashboard's access rule (src/web/access.ts): loopback without a token, anything else only with one. */
import { describe, expect, it } from 'vitest';
import { isLoopback, listenDecision, offeredToken, TOKEN_COOKIE, TOKEN_VARIABLE, tokenMatches } from '../src/web/access.js';

describe('dashboard access', () => {
  it('serves loopback without a token and refuses any other host without one, naming the variable', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(listenDecision(host, undefined)).toEqual({ ok: true, token: null });
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.internal']) {
      const decision = listenDecision(host, undefined);
      expect(decision.ok).toBe(false);
      if (!decision.ok) expect(decision.reason).toContain(TOKEN_VARIABLE);
      // A blank variable is no token.
      expect(listenDecision(host, '  ').ok).toBe(false);
      expect(listenDecision(host, 's3cret')).toEqual({ ok: true, token: 's3cret' });
    }
    // A token set for loopback is still enforced.
    expect(listenDecision('127.0.0.1', 's3cret')).toEqual({ ok: true, token: 's3cret' });
    expect(isLoopback('10.0.0.1')).toBe(false);
  });

  it('reads the token from the bearer header, the query or the cookie, and compares it exactly', () => {
    expect(offeredToken({ authorization: 'Bearer abc', cookie: undefined, query: undefined })).toBe('abc');
    expect(offeredToken({ authorization: undefined, cookie: undefined, query: 'q1' })).toBe('q1');
    expect(offeredToken({ authorization: undefined, cookie: `a=1; ${TOKEN_COOKIE}=c%20d`, query: undefined })).toBe('c d');
    expect(offeredToken({ authorization: 'Basic xyz', cookie: 'other=1', query: '' })).toBeNull();
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });
});
