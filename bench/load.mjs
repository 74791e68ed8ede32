// One measurement for `npm run bench`, run in its own process so the load generator never
// shares a CPU-time account (or an event loop) with the server it measures.
//
//   node bench/load.mjs '<json spec>'
//
// Runs autocannon for spec.warmup + spec.duration seconds without a break; prints "MEASURE"
// when the warm-up ends and "END" when the measured window ends (bench/run.mjs samples the
// server's CPU counters at both), then one JSON line with the window's result. Latency percentiles come from every
// response's own time (fractional ms), not autocannon's 1 ms-bucket histogram.
//
// spec: { url, method, headers, body, connections, duration, warmup,
//         mode: "static" | "toggle" | "signin", ids?, users?, password?, start?, origin? }
import autocannon from "autocannon";

const spec = JSON.parse(process.argv[2]);

// A request factory per mode. Counters live across warm-up and measurement so a sign-in
// user or a toggled task is not reused more than the rotation says.
let used = 0;
const completed = new Map();
function makeRequest() {
  if (spec.mode === "toggle") {
    return {
      method: "PATCH",
      setupRequest(req) {
        const id = spec.ids[used++ % spec.ids.length];
        const next = !completed.get(id);
        completed.set(id, next);
        req.path = `${spec.pathPrefix}${id}`;
        req.body = JSON.stringify({ completed: next });
        return req;
      },
    };
  }
  if (spec.mode === "signin") {
    return {
      method: "POST",
      setupRequest(req) {
        const email = spec.users[(spec.start + used++) % spec.users.length];
        req.body = new URLSearchParams({ email, password: spec.password, redirectTo: "" }).toString();
        return req;
      },
    };
  }
  return { method: spec.method ?? "GET", body: spec.body };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

// One continuous run: warm-up, then the measured window, with no gap between them (a gap
// would leave the server finishing abandoned warm-up requests inside the window). Load
// goes on a little past the window, so the window's end is still under full load.
const latencies = [];
const statuses = {};
let recording = false;
let windowStart = 0n;
let windowEnd = 0n;
const instance = autocannon(
  {
    url: spec.url,
    method: spec.method ?? "GET",
    headers: spec.headers ?? {},
    body: spec.body,
    connections: spec.connections,
    duration: spec.warmup + spec.duration + 0.3,
    timeout: 30,
    requests: [makeRequest()],
  },
  (error, result) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    const seconds = Number(windowEnd - windowStart) / 1e9;
    latencies.sort((a, b) => a - b);
    const responses = latencies.length;
    process.stdout.write(
      JSON.stringify({
        responses,
        seconds,
        rps: seconds > 0 ? responses / seconds : 0,
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1] ?? null,
        statuses,
        errors: result.errors,
        timeouts: result.timeouts,
        used,
      }) + "\n",
    );
  },
);
instance.on("response", (_client, statusCode, _bytes, responseTime) => {
  if (!recording) return;
  latencies.push(responseTime);
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
});
setTimeout(() => {
  recording = true;
  windowStart = process.hrtime.bigint();
  process.stdout.write("MEASURE\n");
  setTimeout(() => {
    recording = false;
    windowEnd = process.hrtime.bigint();
    process.stdout.write("END\n");
  }, spec.duration * 1000);
}, spec.warmup * 1000);
