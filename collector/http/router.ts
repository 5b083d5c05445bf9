import type { RouteHandler } from '../handler-context.js';

export interface Route {
  /** A name for metrics (never the raw path, whose codes would make unbounded labels). */
  name: string;
  methods: Partial<Record<string, RouteHandler>>;
}

export type RouteMatch = { route: Route; pathParam?: string } | undefined;

/** Exact paths, plus prefixes ending in `/:param` (one segment, handed over percent-decoded). */
export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly prefixes: { prefix: string; route: Route }[] = [];

  add(path: string, route: Route): this {
    if (path.endsWith('/:param')) this.prefixes.push({ prefix: path.slice(0, -':param'.length), route });
    else this.exact.set(path, route);
    return this;
  }

  match(pathname: string): RouteMatch {
    const route = this.exact.get(pathname);
    if (route) return { route };
    for (const { prefix, route: candidate } of this.prefixes) {
      if (pathname.startsWith(prefix)) {
        const rest = pathname.slice(prefix.length);
        if (rest.length > 0 && !rest.includes('/')) {
          // A parameter that is not valid percent-encoding names nothing: 404 rather than a throw.
          const pathParam = safeDecode(rest);
          return pathParam === undefined ? undefined : { route: candidate, pathParam };
        }
      }
    }
    return undefined;
  }
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
