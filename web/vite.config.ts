import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const INITIAL_JS_BUDGET_KB = 200;

/** Prints the JavaScript a first visit loads before any route chunk (entry + its static imports), gzipped. */
function initialJsBudget(): Plugin {
  return {
    name: 'relay:initial-js-budget',
    apply: 'build',
    writeBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((file) =>
          file.type === 'chunk' ? [[file.fileName, file] as const] : [],
        ),
      );
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
      const bytes = [...initial].reduce(
        (sum, name) => sum + gzipSync(chunks.get(name)?.code ?? '').length,
        0,
      );
      const kb = (bytes / 1000).toFixed(1);
      const verdict = bytes <= INITIAL_JS_BUDGET_KB * 1000 ? 'within' : 'OVER';
      this.info(
        `initial JS ${kb} kB gzipped (${initial.size} chunks), ${verdict} the ${INITIAL_JS_BUDGET_KB} kB budget`,
      );
    },
  };
}

// 8080 unless ./relay passes --port (WEB_PORT); host and strictness hold either way.
export default defineConfig({
  plugins: [react(), initialJsBudget()],
  // The budget that matters is the gzipped initial JS printed above, not one chunk's raw size.
  build: { chunkSizeWarningLimit: 600 },
  server: { host: '127.0.0.1', port: 8080, strictPort: true },
  preview: { host: '127.0.0.1', port: 8080, strictPort: true },
});
