/** Calls to the dashboard's own REST API with the session cookie, and the CSRF token for changes. */
let csrfToken: string | undefined;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (response.status === 401) {
    window.location.assign(
      `/login?next=${encodeURIComponent(window.location.pathname + window.location.hash)}`,
    );
  }
  const body = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new ApiError(response.status, body.message ?? `HTTP ${response.status}`);
  return body;
}

export interface Me {
  user: { email: string; name: string; role: string };
  /** The KPI time zone: every time is shown as its wall clock. */
  zone: string;
}

export async function me(): Promise<Me> {
  const answer = await getJson<Me & { csrfToken?: string }>('/api/v1/me');
  csrfToken = answer.csrfToken;
  return answer;
}

export function csrf(): string {
  return csrfToken ?? '';
}

/** A query string from the non-empty values. */
export function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== '') params.set(key, value);
  return params.toString();
}

/** A change (POST, DELETE…) with the CSRF token; answers the JSON body or throws ApiError with its message. */
export async function sendJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrf() },
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new ApiError(response.status, answer.message ?? `HTTP ${response.status}`);
  return answer;
}
