import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * Which methods a path supports, for 405 answers and their `Allow` header. Fastify's router answers
 * "no route" alike for an unknown path and for a known path asked with the wrong method; this tells
 * them apart by asking the router for the path under every method some route was declared with.
 */
export class AllowedMethods {
  readonly #methods = new Set<string>();

  /** onRoute: learns the methods in use. Catch-alls (`*`, as CORS preflight) would match any path. */
  readonly learn = (route: RouteOptions): void => {
    if (route.url === '*' || route.url === '/*') return;
    for (const method of [route.method].flat()) this.#methods.add(method.toUpperCase());
  };

  /** The methods `url` supports, sorted; empty when no route has its path. */
  of(app: FastifyInstance, url: string): string[] {
    const allowed: string[] = [];
    for (const method of this.#methods) {
      const match = app.findRoute({ method: method as 'GET', url });
      if (match !== null && !isCatchAll(match.params, url)) allowed.push(method);
    }
    return allowed.sort();
  }
}

/** A wildcard route that swallowed the whole path matches any path at all. */
function isCatchAll(params: unknown, url: string): boolean {
  const wildcard = (params as Record<string, string | undefined>)['*'];
  if (wildcard === undefined) return false;
  const path = url.split('?')[0] ?? '';
  return wildcard === path || `/${wildcard}` === path;
}
