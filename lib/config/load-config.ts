import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { QuoteflowError } from '../errors.js';
import type { ValidationIssue } from '../validation/issues.js';
import { formatIssues, toValidationIssues, valueFreeErrorMap } from '../validation/issues.js';
import { applyEnvOverrides } from './env-overrides.js';
import { interpolateEnv } from './interpolate.js';
import type { Config } from './schema.js';
import { configSchema } from './schema.js';

export class ConfigError extends QuoteflowError {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[], source: string) {
    super('CONFIG_INVALID', `invalid config (${source}):\n${formatIssues(issues)}`);
    this.issues = issues;
  }
}

export interface LoadedConfig {
  config: Config;
  /** Things worth telling the operator that do not stop the start (an unknown QF_ variable…). */
  warnings: string[];
}

function parseYaml(text: string, issues: ValidationIssue[]): Record<string, unknown> {
  const document = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  for (const error of document.errors) {
    const where = error.linePos?.[0];
    const at = where ? `line ${where.line}, column ${where.col}` : '(file)';
    // The YAML library's message quotes source text, which may be a password: keep its code only.
    issues.push({ path: at, message: `YAML syntax error (${error.code})` });
  }
  if (document.errors.length > 0) return {};
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ path: '', message: 'the file must hold a mapping of keys' });
    return {};
  }
  return value as Record<string, unknown>;
}

/**
 * Validates config text (YAML) together with the environment: `${VAR}` placeholders, then `QF_*`
 * overrides, then the schema with its defaults. Throws ConfigError naming every bad key.
 */
export function parseConfig(text: string, env: NodeJS.ProcessEnv, source = 'config'): LoadedConfig {
  const issues: ValidationIssue[] = [];
  const raw = parseYaml(text, issues);
  if (issues.length > 0) throw new ConfigError(issues, source);

  const interpolated = interpolateEnv(raw, env, issues) as Record<string, unknown>;
  const { value, applied, unknownVariables } = applyEnvOverrides(configSchema, interpolated, env);
  const result = configSchema.safeParse(value, { error: valueFreeErrorMap });
  if (!result.success) {
    for (const issue of toValidationIssues(result.error)) {
      const variable = [...applied].find(
        ([path]) => issue.path === path || issue.path.startsWith(`${path}.`),
      )?.[1];
      issues.push(variable ? { ...issue, message: `${issue.message} (set by ${variable})` } : issue);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, source);
  return {
    config: result.data as Config,
    warnings: unknownVariables.map((name) => `environment variable ${name} names no config key; ignored`),
  };
}

/** Reads the config file (when one is given) and validates it with the environment. */
export async function loadConfig(options: {
  file?: string | undefined;
  env: NodeJS.ProcessEnv;
}): Promise<LoadedConfig> {
  if (options.file === undefined) return parseConfig('', options.env, 'defaults and environment');
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([{ path: '', message: `cannot read the file (${reason})` }], options.file);
  }
  return parseConfig(text, options.env, options.file);
}
