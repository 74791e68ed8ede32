// The browser's scripts and stylesheet: compressed once at build time (vite.config.ts) and
// sent as they are, with the best encoding the browser accepts, cached for a year.
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../helpers/client";
import { startServer, type TestServer } from "../helpers/server";

describe("static assets", () => {
  let server: TestServer;
  let assets: string[];
  beforeAll(async () => {
    server = await startServer("pglite");
    // What the sign-in page loads: React's chunk, the route modules, the stylesheet.
    const html = (await rawRequest(`${server.url}/sign-in`)).body.toString();
    assets = [...new Set(html.match(/\/assets\/[\w.-]+\.(?:js|css)/g))];
  }, 120_000);
  afterAll(async () => server?.stop());

  it("sends each script and the stylesheet precompressed: brotli, else gzip, else as it is", async () => {
    const large = [];
    for (const asset of assets) {
      const plain = await rawRequest(`${server.url}${asset}`, { headers: { "Accept-Encoding": "identity" } });
      expect(plain.status, asset).toBe(200);
      expect(plain.headers["content-encoding"], asset).toBeUndefined();
      if (plain.body.length < 1024) continue; // too small to be worth compressing
      large.push(asset);
      for (const [accept, encoding, decode] of [
        ["gzip, deflate, br, zstd", "br", brotliDecompressSync],
        ["br;q=0, gzip", "gzip", gunzipSync],
      ] as const) {
        const res = await rawRequest(`${server.url}${asset}`, { headers: { "Accept-Encoding": accept } });
        expect(res.headers["content-encoding"], `${asset} ${accept}`).toBe(encoding);
        expect(res.headers["content-type"], asset).toMatch(asset.endsWith(".css") ? /^text\/css/ : /^application\/javascript/);
        expect(res.headers.vary, asset).toContain("Accept-Encoding");
        expect(res.headers["cache-control"], asset).toBe("public, max-age=31536000, immutable");
        expect(Number(res.headers["content-length"]), asset).toBe(res.body.length);
        expect(decode(res.body).equals(plain.body), `${asset} ${accept}`).toBe(true);
      }
    }
    expect(large.some((a) => a.endsWith(".css"))).toBe(true);
    expect(large.length).toBeGreaterThan(3);
  });

  it("compresses React's chunk harder than a request could afford", async () => {
    const sizes = await Promise.all(
      assets.map(async (asset) => ({ asset, ...(await rawRequest(`${server.url}${asset}`, { headers: { "Accept-Encoding": "br" } })) })),
    );
    const biggest = sizes.reduce((a, b) => (b.body.length > a.body.length ? b : a));
    const plain = (await rawRequest(`${server.url}${biggest.asset}`)).body;
    // Brotli at quality 11: ~28% of the source for React's chunk; the quality-4 brotli a
    // request would use leaves ~33%.
    expect(biggest.body.length / plain.length).toBeLessThan(0.3);
  });

  it("answers HEAD with the headers alone", async () => {
    const asset = assets.find((a) => a.endsWith(".css"))!;
    const res = await rawRequest(`${server.url}${asset}`, { method: "HEAD", headers: { "Accept-Encoding": "br" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(Number(res.headers["content-length"])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });
});
