import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, loadEnv, type Plugin } from "vite";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { COMPRESS_MIN_BYTES } from "./app/compression.server";

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
    precompressAssets(),
  ],
}));

/**
 * Writes each client script and stylesheet a second and third time, as .br (quality 11) and
 * .gz (level 9), for server.mjs to send as they are. Compressing once here, at levels no
 * request could afford, sends ~13% fewer bytes than compressing on every request did
 * (React's chunk: 84.7 → 73.0 KB with brotli), and costs the server no CPU per asset.
 * Done once the server build has closed: Remix writes the route manifest's script into the
 * client's assets only then.
 */
function precompressAssets(): Plugin {
  let ssr = false;
  let assetsDir = "";
  return {
    name: "tasklane-precompress-assets",
    apply: "build",
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
      // Remix's default buildDirectory, "build": the client's files are in build/client.
      assetsDir = path.join(config.root, "build/client", config.build.assetsDir);
    },
    closeBundle() {
      if (!ssr) return;
      for (const name of readdirSync(assetsDir)) {
        if (!/\.(js|css)$/.test(name)) continue;
        const file = path.join(assetsDir, name);
        const source = readFileSync(file);
        if (source.length < COMPRESS_MIN_BYTES) continue; // too small to gain, as for pages and the API
        writeFileSync(`${file}.br`, brotliCompressSync(source, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: source.length } }));
        writeFileSync(`${file}.gz`, gzipSync(source, { level: 9 }));
      }
    },
  };
}
