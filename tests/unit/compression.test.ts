import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compress, negotiateEncoding } from "~/compression.server";

describe("choosing a response's encoding from Accept-Encoding", () => {
  it("takes the first offered encoding the client admits, or the one it weighs higher", () => {
    expect(negotiateEncoding("gzip, deflate, br, zstd", ["br", "gzip"])).toBe("br");
    expect(negotiateEncoding("gzip, deflate", ["br", "gzip"])).toBe("gzip");
    expect(negotiateEncoding("br;q=0.5, gzip", ["br", "gzip"])).toBe("gzip");
    expect(negotiateEncoding("x-gzip", ["gzip"])).toBe("gzip");
    expect(negotiateEncoding("*", ["br", "gzip"])).toBe("br");
  });

  it("sends nothing encoded without the header, or when every offer is refused", () => {
    for (const header of [undefined, null, "", "identity", "br;q=0, gzip;q=0", "gzip;q=0, *", "*;q=0", "deflate"]) {
      expect(negotiateEncoding(header, ["gzip"]), String(header)).toBeNull();
    }
    expect(negotiateEncoding("br", ["gzip"])).toBeNull();
  });
});

describe("compressing a body in one piece", () => {
  const body = Buffer.from("<li>A task with a title</li>".repeat(500));
  it("round-trips through brotli and gzip, much smaller", async () => {
    const br = await compress(body, "br");
    const gz = await compress(body, "gzip");
    expect(brotliDecompressSync(br)).toEqual(body);
    expect(gunzipSync(gz)).toEqual(body);
    expect(br.length).toBeLessThan(body.length / 10);
    expect(gz.length).toBeLessThan(body.length / 10);
  });
});
