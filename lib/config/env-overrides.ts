import type { z } from 'zod';

/**
 * Every config key can be overridden by an environment variable named after its path:
 * `kafka.brokers` → `QF_KAFKA_BROKERS`, `kafka.topics.events.partitions` →
 * `QF_KAFKA_TOPICS_EVENTS_PARTITIONS`. Lists of scalars take a comma-separated value; lists of
 * objects (such as `sources`) take JSON. The names come from walking the schema, so a key added to
 * the schema is overridable without another line of code.
 */

export const ENV_PREFIX = 'QF_';

/** Variables with the prefix that are not config keys. */
const NON_CONFIG_VARIABLES = new Set(['QF_CONFIG', 'QF_SERVICES_DIR']);

type LeafKind = 'string' | 'number' | 'boolean' | 'list' | 'json';

export interface EnvOverrideKey {
  variable: string;
  path: string[];
  kind: LeafKind;
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { def: SchemaDef }).def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (
      def.innerType &&
      ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch'].includes(def.type)
    ) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else {
      return current;
    }
  }
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const inner = unwrap(schema) as unknown as { shape?: Record<string, z.ZodType> };
  return defOf(unwrap(schema)).type === 'object' ? inner.shape : undefined;
}

function leafKind(schema: z.ZodType): LeafKind {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'string':
    case 'enum':
    case 'literal':
      return 'string';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const element = def.element ? defOf(unwrap(def.element)).type : 'unknown';
      return ['string', 'enum', 'number'].includes(element) ? 'list' : 'json';
    }
    default:
      return 'json';
  }
}

export function envVariableName(path: readonly string[]): string {
  return ENV_PREFIX + path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/** All overridable keys of a schema, in schema order. */
export function envOverrideKeys(schema: z.ZodType, path: string[] = []): EnvOverrideKey[] {
  const shape = shapeOf(schema);
  if (!shape) return [{ variable: envVariableName(path), path, kind: leafKind(schema) }];
  return Object.entries(shape).flatMap(([key, child]) => envOverrideKeys(child, [...path, key]));
}

function coerce(raw: string, kind: LeafKind): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'number':
      // Left as text when it is not a number, so validation names the key and the variable.
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'boolean':
      return /^(true|1|yes|on)$/i.test(raw) ? true : /^(false|0|no|off)$/i.test(raw) ? false : raw;
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'json':
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}

export interface EnvOverrideResult {
  /** The input with overrides applied (a copy; the input is untouched). */
  value: Record<string, unknown>;
  /** Which variable set which dotted path, to name it in error messages. */
  applied: Map<string, string>;
  /** Variables with the prefix that name no key: most likely typos. */
  unknownVariables: string[];
}

export function applyEnvOverrides(
  schema: z.ZodType,
  input: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): EnvOverrideResult {
  const value = structuredClone(input);
  const applied = new Map<string, string>();
  const keys = envOverrideKeys(schema);
  const known = new Set(keys.map((k) => k.variable));
  for (const key of keys) {
    const raw = env[key.variable];
    if (raw === undefined) continue;
    setPath(value, key.path, coerce(raw, key.kind));
    applied.set(key.path.join('.'), key.variable);
  }
  const unknownVariables = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && !known.has(name) && !NON_CONFIG_VARIABLES.has(name))
    .sort();
  return { value, applied, unknownVariables };
}
