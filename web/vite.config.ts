// Two entry points, one kit: the helpdesk at / and Studio at /studio/, built into the Python package
// (oricol/webapp/dist) so a wheel carries them and the gateway serves them beside the API.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  base: '/',
  resolve: { alias: { '@': resolve(__dirname, 'src') } },
  build: {
    outDir: resolve(__dirname, '../oricol/webapp/dist'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: {
        helpdesk: resolve(__dirname, 'index.html'),
        studio: resolve(__dirname, 'studio/index.html'),
      },
    },
  },
  server: {
    // `npm run dev` talks to a local `oricol start` through the same origin, as the served bundle does.
    proxy: Object.fromEntries(
      ['/auth', '/rest', '/realtime', '/storage', '/config.json', '/studio/api'].map((p) => [
        p,
        { target: process.env.ORICOL_URL ?? 'http://127.0.0.1:8000', ws: true, changeOrigin: true },
      ]),
    ),
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
