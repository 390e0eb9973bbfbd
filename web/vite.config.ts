import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { appRouterCopy, publicPages } from './src/build/public-pages.ts';

// 8080 unless ./relay passes --port (WEB_PORT); host and strictness hold either way.
export default defineConfig({
  // The public pages' plugins: src/build/public-pages.ts.
  plugins: [appRouterCopy(), react(), ...publicPages()],
  // The budget that matters is each public page's gzipped JS (src/build/public-pages.ts), not one chunk's raw size.
  build: { chunkSizeWarningLimit: 600 },
  server: { host: '127.0.0.1', port: 8080, strictPort: true },
  preview: { host: '127.0.0.1', port: 8080, strictPort: true },
});
