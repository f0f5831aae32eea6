/**
 * The web UI build: `npm run build:web` → modeler/dist, which the server
 * serves at `/` (scripts/server.ts). `public/element-templates.json` is
 * written just before by scripts/element-templates.ts from the job workers.
 * Dev: `npx vite --config modeler/vite.config.ts` proxies /api to :3000.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
