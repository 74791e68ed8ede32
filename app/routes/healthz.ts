// Liveness: answers while the process runs, without touching the database.
export function loader() {
  return new Response("ok\n", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
}

export { onlyGetAndHead as action } from "~/headers.server";
