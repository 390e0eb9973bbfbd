import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { createServer, type Plugin } from 'vite';
import { kib, routeInitialJs } from './initial-js.ts';

// The build's part in issue 18's "fast on a phone": the public pages measured, prerendered, asked for
// early, and kept apart from the signed-in app's data router (vite.config.ts lists these plugins).

/** Issue 18: a phone on a slow network shows a public page after at most this much gzipped JavaScript. */
const PUBLIC_ROUTE_BUDGET_BYTES = 100 * 1024;

/** The public pages and the modules each loads before it renders (beyond the entry). */
const PUBLIC_ROUTES: Record<string, string[]> = {
  '/login': ['features/auth/components/login-page.tsx'],
  '/signup': ['features/auth/components/sign-up-page.tsx'],
  '/forgot-password': ['features/auth/components/forgot-password-page.tsx'],
  '/activate': ['features/auth/components/activate-page.tsx'],
  '/reset-password': ['features/auth/components/reset-password-page.tsx'],
};

/** Prints the JavaScript each public page loads before it renders, gzipped, and fails the build over budget. */
function publicRouteBudget(): Plugin {
  return {
    name: 'relay:public-route-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((file) =>
        file.type === 'chunk' ? [{ ...file, gzipBytes: gzipSync(file.code).length }] : [],
      );
      const routes = routeInitialJs(chunks, PUBLIC_ROUTES);
      for (const { route, bytes, chunks: loaded } of routes) {
        this.info(`${route}: ${kib(bytes)} of JS gzipped before it renders (${loaded.length} chunks)`);
      }
      const over = routes.filter(({ bytes }) => bytes > PUBLIC_ROUTE_BUDGET_BYTES);
      if (over.length > 0) {
        const list = over.map(({ route, bytes }) => `${route} ${kib(bytes)}`).join(', ');
        this.error(`over the ${kib(PUBLIC_ROUTE_BUDGET_BYTES)} budget of a public page: ${list}`);
      }
    },
  };
}

/**
 * The page a public address shows is loaded by the app after it starts: a few lines in index.html ask
 * for it (and what it imports) at once instead, in parallel with the app.
 */
function publicRoutePreload(): Plugin {
  return {
    name: 'relay:public-route-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        if (bundle === undefined) return [];
        const chunks = Object.values(bundle).flatMap((file) =>
          file.type === 'chunk' ? [{ ...file, gzipBytes: 0 }] : [],
        );
        const entry = new Set(routeInitialJs(chunks, { entry: [] })[0]?.chunks);
        const preloads = Object.fromEntries(
          routeInitialJs(chunks, PUBLIC_ROUTES).map(({ route, chunks: loaded }) => [
            route,
            loaded.filter((name) => !entry.has(name)).map((name) => `/${name}`),
          ]),
        );
        const script = `{const p=${JSON.stringify(preloads)}[location.pathname];for(const h of p||[]){const l=document.createElement('link');l.rel='modulepreload';l.href=h;document.head.append(l)}}`;
        return [{ tag: 'script', children: script, injectTo: 'head' }];
      },
    },
  };
}

/**
 * The app's style sheet (13 KB, 3 KB gzipped) goes into index.html: a first visit paints without
 * waiting for one more request (Lighthouse's render-blocking request).
 */
function inlineStyleSheet(): Plugin {
  return {
    name: 'relay:inline-style-sheet',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        return html.replace(/<link rel="stylesheet"[^>]* href="\/([^"]+\.css)">/g, (link, name: string) => {
          const asset = bundle?.[name];
          return asset?.type === 'asset' ? `<style>${String(asset.source)}</style>` : link;
        });
      },
    },
  };
}

/**
 * What each public page shows first, by whether its address has a `token` (the links in e-mails do):
 * the build writes it into a copy of index.html per page (`login.html`, which `vite preview` serves
 * for /login), so a phone paints the page before the JavaScript has loaded. It is inert until the
 * app's first render replaces it with the same page, live.
 */
const PRERENDERED: Record<string, { withToken?: string; without: string }> = {
  '/login': { without: '/login' },
  '/signup': { without: '/signup' },
  '/forgot-password': { without: '/forgot-password' },
  '/activate': { withToken: `/activate?token=${'t'.repeat(32)}`, without: '/activate' },
  '/reset-password': { withToken: `/reset-password?token=${'t'.repeat(32)}`, without: '/reset-password' },
};

function prerenderPublicPages(): Plugin {
  let root = '';
  return {
    name: 'relay:prerender',
    apply: 'build',
    configResolved(config) {
      root = config.root;
    },
    async writeBundle(options, bundle) {
      const dir = options.dir ?? join(root, 'dist');
      const chunks = Object.values(bundle).flatMap((file) =>
        file.type === 'chunk' ? [{ ...file, gzipBytes: 0 }] : [],
      );
      const routes = new Map(routeInitialJs(chunks, PUBLIC_ROUTES).map((line) => [line.route, line.chunks]));
      const server = await createServer({
        root,
        configFile: false,
        logLevel: 'error',
        appType: 'custom',
        server: { middlewareMode: true, hmr: false, ws: false },
        plugins: [react()],
      });
      try {
        const { prerender } = (await server.ssrLoadModule('/src/build/prerender.tsx')) as {
          prerender: (url: string) => string;
        };
        // The page's scripts are asked for after its first paint, which then never waits for them.
        const index = (await readFile(join(dir, 'index.html'), 'utf8')).replace(
          /<script type="module"[^>]*><\/script>|<link rel="modulepreload"[^>]*>|<script>\{const p=.*?<\/script>/g,
          '',
        );
        const entry = chunks.find((chunk) => chunk.isEntry)?.fileName;
        const shell = (url: string) => `<div inert>${prerender(url)}</div>`;
        // As a string in a script: `<` escaped, so no `</script>` can end it.
        const inScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
        for (const [route, { withToken, without }] of Object.entries(PRERENDERED)) {
          const preloads = (routes.get(route) ?? [])
            .filter((name) => name !== entry)
            .map((name) => `/${name}`);
          const afterPaint = `<script>{let started=false;const start=()=>{if(started)return;started=true;for(const href of ${inScript(preloads)}){const link=document.createElement('link');link.rel='modulepreload';link.href=href;document.head.append(link)}const app=document.createElement('script');app.type='module';app.src=${inScript(`/${entry}`)};document.head.append(app)};requestAnimationFrame(()=>setTimeout(start));setTimeout(start,250)}</script>`;
          const page =
            withToken === undefined
              ? `<div id="root">${shell(without)}</div>`
              : `<div id="root"></div><script>document.getElementById('root').innerHTML=new URLSearchParams(location.search).has('token')?${inScript(shell(withToken))}:${inScript(shell(without))}</script>`;
          const html = index.replace('<div id="root"></div>', `${page}${afterPaint}`);
          await writeFile(join(dir, `${route.slice(1)}.html`), html);
        }
      } finally {
        await server.close();
      }
    },
  };
}

const APP_COPY = '?relay-app';
/** Source files of the public pages' first render: they get the light copy of React Router. */
const LIGHT_SIDE =
  /\/src\/(main\.tsx|app\/(public-app|page-error)\.tsx|design\/brand\.tsx|features\/auth\/components\/(?!require-session)[^/]+)$/;
const REACT_ROUTER = '/node_modules/react-router/';

/**
 * The signed-in app gets its own copy of React Router, so that the public pages' copy keeps only what a
 * declarative router needs (13 KB gzipped, against 31 KB with the data router): a module is bundled
 * once, and the data router the app needs would otherwise come with every public page. Both copies
 * share its contexts module, so a page's `<Link>` works under either router.
 */
export function appRouterCopy(): Plugin {
  return {
    name: 'relay:app-router-copy',
    apply: 'build',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (importer === undefined) return null;
      const fromRouterCopy = importer.endsWith(APP_COPY);
      const fromApp = importer.includes('/web/src/') && !LIGHT_SIDE.test(importer);
      if (!(fromRouterCopy || (fromApp && source === 'react-router'))) return null;
      const resolved = await this.resolve(source, importer.replace(APP_COPY, ''), {
        ...options,
        skipSelf: true,
      });
      if (resolved === null || !resolved.id.includes(REACT_ROUTER) || resolved.id.endsWith('/lib/context.js'))
        return resolved;
      return { ...resolved, id: `${resolved.id}${APP_COPY}` };
    },
    async load(id) {
      return id.endsWith(APP_COPY) ? readFile(id.slice(0, -APP_COPY.length), 'utf8') : null;
    },
  };
}

/** Everything that makes a public page fast, in the order the build needs them (after React's plugin). */
export function publicPages(): Plugin[] {
  return [publicRouteBudget(), publicRoutePreload(), inlineStyleSheet(), prerenderPublicPages()];
}
