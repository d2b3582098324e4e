import { defineConfig } from 'vite'

// `npm run build:web` builds into web/dist, served by `wahub serve` (src/http/routes/dashboard.ts).
// `npx vite web` serves it with hot reload, proxying the API to a Wahub on port 8080.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // The libraries (React, React Query, i18next, uPlot, zxcvbn…) in a chunk of their own:
        // it changes only when package-lock.json does, so a browser keeps it cached across
        // dashboard updates, and neither chunk passes the size warning.
        codeSplitting: { groups: [{ name: 'vendor', test: /[\\/]node_modules[\\/]/ }] },
      },
      // React Query's files start with "use client" (a React Server Components marker) that a
      // client-only bundle has no use for; rolldown warns once per file on every build. Only that
      // warning is dropped; every other one is still shown.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return
        handler(level, log)
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
      '/webhooks': 'http://127.0.0.1:8080',
      '/docs': 'http://127.0.0.1:8080',
    },
  },
})
