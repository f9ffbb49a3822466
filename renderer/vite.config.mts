import { defineConfig, type Plugin } from 'vite';

/**
 * main.tsx imports the React chunk (mount) only after it has started the engine
 * client, so the browser would not ask for that chunk until the entry had run.
 * A modulepreload link in the page lets it fetch and compile the chunk alongside
 * the entry; it is still evaluated only when main.tsx imports it.
 */
function preloadMountChunk(): Plugin {
  return {
    name: 'gatehouse-preload-mount-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'mount');
        if (!chunk) throw new Error('vite build: no "mount" chunk to preload (renderer/src/main.tsx imports ./mount)');
        return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}

// The renderer is served from file:// inside Electron and from the control
// server in a browser, so every asset URL is relative (base './').
// Vite 8 transforms TSX with oxc; no React plugin is needed for a build.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [preloadMountChunk()],
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
