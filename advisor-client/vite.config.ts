import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves the built app under /advisor/; in development Vite serves it and forwards
// signalling and the REST API to a server on :8080.
const server = 'http://localhost:8080';

export default defineConfig({
  base: '/advisor/',
  plugins: [react()],
  server: {
    port: 5174,
    proxy: {
      '/socket.io': { target: server, ws: true },
      '/api': { target: server },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
