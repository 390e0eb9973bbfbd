/** What the budget needs of one output chunk (Rollup's and Rolldown's chunks have these). */
export interface BudgetChunk {
  fileName: string;
  isEntry: boolean;
  /** Chunks this one imports statically: the browser loads them before it runs. */
  imports: readonly string[];
  /** The module a chunk was made for (a page loaded with `import()`), when it has one. */
  facadeModuleId: string | null;
  gzipBytes: number;
}

export interface RouteInitialJs {
  route: string;
  /** Gzipped bytes of the entry, the route's modules' chunks and everything they import statically. */
  bytes: number;
  chunks: string[];
}

/**
 * For each route, the JavaScript a first visit loads before the page renders: the entry, the chunks
 * of the modules the route loads before it shows (its page), and their static imports, each counted once.
 * `routes` maps a route to those modules' paths (a suffix of their ids, `features/auth/…/login-page.tsx`).
 */
export function routeInitialJs(
  chunks: readonly BudgetChunk[],
  routes: Readonly<Record<string, readonly string[]>>,
): RouteInitialJs[] {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const entries = chunks.filter((chunk) => chunk.isEntry);
  if (entries.length === 0) throw new Error('the bundle has no entry chunk');
  return Object.entries(routes).map(([route, modules]) => {
    const loaded = new Set<string>();
    const visit = (fileName: string) => {
      if (loaded.has(fileName)) return;
      loaded.add(fileName);
      for (const imported of byName.get(fileName)?.imports ?? []) visit(imported);
    };
    for (const entry of entries) visit(entry.fileName);
    for (const module of modules) visit(chunkOf(chunks, module, route).fileName);
    const bytes = [...loaded].reduce((sum, name) => sum + (byName.get(name)?.gzipBytes ?? 0), 0);
    return { route, bytes, chunks: [...loaded] };
  });
}

/** A module the budget names must have its own chunk: a renamed page must not pass unmeasured. */
function chunkOf(chunks: readonly BudgetChunk[], module: string, route: string): BudgetChunk {
  const chunk = chunks.find((candidate) => candidate.facadeModuleId?.endsWith(`/${module}`));
  if (chunk === undefined) throw new Error(`${route}: no chunk was built for ${module}`);
  return chunk;
}

/** "86.3 KiB" (1 KiB = 1,024 bytes). */
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
