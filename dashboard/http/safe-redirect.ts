/**
 * Where to go after signing in: only a path on this dashboard, so a crafted link cannot use the
 * sign-in page to send a user to another site (`//evil.example`, `https://…`, `/\evil`).
 */
export function safeRedirectPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
    return '/';
  return value;
}
