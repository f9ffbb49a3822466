import { defineConfig } from 'vite';

// The renderer is served from file:// inside Electron and from the control
// server in a browser, so every asset URL is relative (base './').
// Vite 8 transforms TSX with oxc; no React plugin is needed for a build.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
    // No inline scripts or data: modules anywhere: the CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { strictPort: true },
});
