/**
 * Who may reach the dashboard. On the loopback interface only this machine's users can connect;
 * on any other address the network can, so a token (from the environment, never a flag: flags show
 * in `ps`) is required there, and once a token is set every request must carry it.
 */
import { timingSafeEqual } from 'node:crypto';

export const TOKEN_VARIABLE = 'CLASSIFY_DASHBOARD_TOKEN';
export const TOKEN_COOKIE = 'classify_dashboard_token';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export type ListenDecision = { ok: true; token: string | null } | { ok: false; reason: string };

/** Whether the dashboard may listen on `host` with the token the environment holds (blank counts as none). */
export function listenDecision(host: string, envToken: string | undefined): ListenDecision {
  const token = envToken?.trim() ?? '';
  if (token !== '') return { ok: true, token };
  if (isLoopback(host)) return { ok: true, token: null };
  return {
    ok: false,
    reason: `refusing to serve on ${host} without a token: anyone who can reach that address could read the database. Set ${TOKEN_VARIABLE} (every request must then carry it), or serve on 127.0.0.1`,
  };
}

/** What a request offered: `Authorization: Bearer …`, the cookie the page sets, or `?token=` in the URL. */
export interface Offered {
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly query: string | undefined;
}

export function offeredToken(offered: Offered): string | null {
  const bearer = /^Bearer\s+(.+)$/i.exec(offered.authorization ?? '')?.[1]?.trim();
  if (bearer !== undefined && bearer !== '') return bearer;
  if (offered.query !== undefined && offered.query !== '') return offered.query;
  const cookie = (offered.cookie ?? '')
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${TOKEN_COOKIE}=`));
  if (cookie !== undefined) return decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1));
  return null;
}

/** Constant-time comparison, so the response time does not tell how much of a guess was right. */
export function tokenMatches(expected: string, offered: string | null): boolean {
  if (offered === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}
