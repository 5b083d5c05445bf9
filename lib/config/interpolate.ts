import type { ValidationIssue } from '../validation/issues.js';
import { formatPath } from '../validation/issues.js';

/**
 * `${NAME}` and `${NAME:-fallback}` inside string values of the config file are replaced by
 * environment variables, so secrets can stay out of the file (`password: ${BROKER_DB_PASSWORD}`).
 * `$${` writes a literal `${`.
 */
const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  issues: ValidationIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === '$${') return '${';
      const resolved = env[name ?? ''] ?? fallback;
      if (resolved === undefined) {
        issues.push({ path: formatPath(path), message: `environment variable ${name ?? ''} is not set` });
        return '';
      }
      return resolved;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, env, issues, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, issues, [...path, key])]),
    );
  }
  return value;
}
