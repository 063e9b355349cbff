import { phpJson } from './php-json.ts';

/** What a route handler answers; the HTTP server turns it into bytes (headers per contract §8.2). */
export type Reply = { status: number; body: string; contentType: string; headers?: Record<string, string> };

/** The REST API's JSON (PHP escaping, `Content-Type: application/json` without charset). */
export const apiJson = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: phpJson(value),
  contentType: 'application/json',
  ...(headers ? { headers } : {}),
});

export const plainJson = (status: number, value: unknown): Reply => ({ status, body: JSON.stringify(value), contentType: 'application/json' });

export const wrongAuthorization = (): Reply => apiJson(403, { error: 'Wrong authorization', status: 403, code: 'WRONG_AUTHORIZATION', info: [] });

/** 503 UNKNOWN_ERROR in its two observed variants (Q20). */
export const unknownError = (variant: 0 | 1 = 0): Reply =>
  variant === 0
    ? apiJson(503, { error: 'Unknown error', status: 503, code: 'UNKNOWN_ERROR', info: [] })
    : apiJson(503, { error: 'unknown error', status: 503, code: 'UNKNOWN_ERROR' });

export const tooManyRequests = (retryAfterSeconds: number | null): Reply =>
  apiJson(
    429,
    { error: 'Too many requests', status: 429, code: 'UNKNOWN_ERROR', info: [] },
    retryAfterSeconds === null ? undefined : { 'Retry-After': String(retryAfterSeconds) },
  );

export const resourceNotFound = (resource: string, id: number | string): Reply =>
  apiJson(404, { error: `Resource "${resource}" not found`, status: 404, code: 'RESOURCE_NOT_FOUND', info: { id, resource } });

const NOT_FOUND_HTML = `<!DOCTYPE html>
<html>
<head>
    <title>Страница не найдена 404 – Qtickets</title>
    <meta name="viewport" content="width=device-width, minimal-ui"/>
</head>
<body>
<div class="wrapper">
    <h1>Страница не найдена</h1>
    <p>Simulated stand-in for the vendor's HTML 404 page (returned for unknown routes).</p>
</div>
</body>
</html>
`;

/** Unknown route: an HTML page, not JSON (Q19). */
export const htmlNotFound = (): Reply => ({ status: 404, body: NOT_FOUND_HTML, contentType: 'text/html; charset=UTF-8' });
