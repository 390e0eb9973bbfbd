import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// 8080 unless ./relay passes --port (WEB_PORT); host and strictness hold either way.
export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 8080, strictPort: true },
  preview: { host: '127.0.0.1', port: 8080, strictPort: true },
});
