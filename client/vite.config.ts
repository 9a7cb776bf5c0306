import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/*
 * The console is built into client/dist and served by the API server itself (server/core/http/console.ts),
 * so at run time nothing is fetched from anywhere else. Preact's JSX is compiled by Vite's own
 * esbuild step; no Babel plugin is needed.
 */
export default defineConfig({
  root,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill would be the only inline-looking code path; every browser we support has modulepreload.
    modulePreload: { polyfill: false },
    // Fonts and images stay files, so the strict CSP needs no data: for them.
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    // `npm run dev:client` beside `npm start`: the API and Socket.IO stay on the server's port.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
