// The JSON API client used by both pages: same-origin fetch with the session cookie,
// the CSRF header on unsafe methods, and server errors turned into ApiError values
// whose message is fit to show a person.

import {pageIdentity} from './dom.js';

/** An API call that did not succeed; `status` 0 means the server was not reached. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Calls `path` with `method` and an optional JSON `body`; resolves to the decoded
 * JSON (or null for 204) and rejects with ApiError otherwise.
 */
export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method)) headers['X-CSRFToken'] = pageIdentity().csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      redirect: 'manual',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(
        0, 'NETWORK', 'The server could not be reached. Check the connection and try again.');
  }
  // A redirect means the session ended and the server sent us to the login page.
  if (response.type === 'opaqueredirect') {
    throw new ApiError(
        401, 'LOGIN_REQUIRED', 'Your session has ended. Reload the page to log in again.');
  }
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const code = payload && payload.error ? String(payload.error) : `HTTP_${response.status}`;
    const message =
        payload && payload.message ? String(payload.message) : describeStatus(response.status);
    throw new ApiError(response.status, code, message);
  }
  return payload;
}

function describeStatus(status) {
  if (status === 401) return 'Please log in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'It no longer exists; the list was probably out of date.';
  if (status === 409) return 'That conflicts with an existing entry.';
  if (status >= 500) return 'The server failed to handle the request.';
  return `The request failed (HTTP ${status}).`;
}
