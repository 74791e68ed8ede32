import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, loadEnv } from "vite";
import { fileURLToPath } from "node:url";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig(({ mode }) => ({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  // Top-level await in db.server.ts (migrations before the first request) needs es2022.
  build: { target: "es2022" },
  // PGlite ships its WASM and data files next to its JS; bundling it breaks those paths.
  ssr: { external: ["@electric-sql/pglite", "postgres", "nodemailer", "@node-rs/argon2", "pino"] },
  // The port PORT names (as in production), and no other: the default BETTER_AUTH_URL follows
  // PORT, so a dev server that moved elsewhere would refuse its own forms.
  // Read here from .env too: Remix loads .env into process.env only after this config runs.
  server: { port: Number(process.env.PORT || loadEnv(mode, process.cwd(), "").PORT) || 3000, strictPort: true },
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
}));
