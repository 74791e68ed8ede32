import { promisify } from "node:util";
import zlib from "node:zlib";

/** Smaller bodies go out as they are: compressing them saves less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

export type Encoding = "br" | "gzip";

/**
 * The encoding an Accept-Encoding header admits, the first of `offered` on a tie in q.
 * An explicit q=0 refuses an encoding, even when `*` admits the rest.
 */
export function negotiateEncoding(header: string | null | undefined, offered: readonly Encoding[]): Encoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    q.set(name === "x-gzip" ? "gzip" : name, qParam ? Number(qParam.slice(2)) || 0 : 1);
  }
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const encoding of offered) {
    const weight = q.get(encoding) ?? q.get("*") ?? 0;
    if (weight > bestQ) [best, bestQ] = [encoding, weight];
  }
  return best;
}

// zlib's output is a plain Buffer, never one over shared memory (what fetch's Response wants).
const brotli = promisify(zlib.brotliCompress) as (body: Buffer, options: zlib.BrotliOptions) => Promise<Buffer<ArrayBuffer>>;
const gzip = promisify(zlib.gzip) as (body: Buffer, options: zlib.ZlibOptions) => Promise<Buffer<ArrayBuffer>>;

/**
 * One-shot compression on libuv's thread pool, so the other core does it. A compression
 * stream per response cost the event loop ten times the CPU on the API (bench profile),
 * and ~5% of a page's. Brotli at quality 4 (what the `compression` middleware uses) with a
 * 256 KiB window, ample for a page; gzip at level 1, most of level 6's saving for a fraction
 * of its CPU.
 */
export function compress(body: Buffer, encoding: Encoding): Promise<Buffer<ArrayBuffer>> {
  if (encoding === "gzip") return gzip(body, { level: 1 });
  return brotli(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 4,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 18,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/**
 * The body as this client should get it: compressed with the best of `offered` that its
 * Accept-Encoding admits, once it is large enough to be worth it. `varies` says whether
 * the answer depended on Accept-Encoding, so the caller sends `Vary` for caches.
 */
export async function encodeBody(
  body: Buffer<ArrayBuffer>,
  acceptEncoding: string | null | undefined,
  offered: readonly Encoding[],
): Promise<{ body: Buffer<ArrayBuffer>; encoding: Encoding | null; varies: boolean }> {
  if (body.length < COMPRESS_MIN_BYTES) return { body, encoding: null, varies: false };
  const encoding = negotiateEncoding(acceptEncoding, offered);
  return { body: encoding ? await compress(body, encoding) : body, encoding, varies: true };
}
