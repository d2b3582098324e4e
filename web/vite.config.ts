import { defineConfig } from 'vite'

// `npm run build:web` builds into web/dist, served by `wahub serve` (src/http/routes/dashboard.ts).
// `npx vite web` serves it with hot reload, proxying the API to a Wahub on port 8080.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
      '/webhooks': 'http://127.0.0.1:8080',
      '/docs': 'http://127.0.0.1:8080',
    },
  },
})
