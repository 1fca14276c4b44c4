/**
 * Builds the web app into dist/web, which the ledger serves at / (src/web/serve-web-app.ts). Everything is in the
 * bundle — React, Chart.js, the styles — and nothing is fetched from the internet: it works on a district LAN.
 * Each asset is also written gzip- and brotli-compressed, served as such to browsers that accept it.
 */
import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, Plugin } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(root, '../dist/web');

function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    closeBundle() {
      const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json)$/.test(file) || statSync(file).size < 1024) continue;
        const content = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

const API = ['/commands', '/balances', '/fund-lines', '/progress', '/decisions', '/adjustments', '/read-models', '/audit', '/journal', '/reconciliation', '/catalogue', '/health', '/docs'];

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        // React in a chunk of its own: it changes less often than the app, so browsers keep it across releases, and the
        // app's chunk stays under the limit above. Chart.js is not named here: it stays in the chunk loaded with a chart.
        codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] },
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development, with the ledger on :3000 answering the API.
    // Page routes collide with no API path, so this prefix list stays exact.
    proxy: Object.fromEntries(API.map((p) => [p, { target: 'http://127.0.0.1:3000', bypass: (req) => (req.headers.accept?.includes('text/html') ? req.url : undefined) }])),
    fs: { allow: [resolve(root, '..')] },
  },
});
