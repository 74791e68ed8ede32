import { pingDb } from "~/db.server";

// Readiness: a load balancer sends traffic here only while the database answers.
export { onlyGetAndHead as action } from "~/headers.server";

export async function loader() {
  const ready = await pingDb();
  return new Response(ready ? "ready\n" : "database unavailable\n", {
    status: ready ? 200 : 503,
    headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" },
  });
}
