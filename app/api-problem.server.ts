// RFC 9457 problem details and small JSON helpers for the API.

export type FieldError = { field: string; message: string };

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An RFC 9457 problem response; `type` is about:blank, so `title` is the status phrase. */
export function problem(
  status: number,
  detail: string,
  init: { errors?: FieldError[]; headers?: HeadersInit } = {},
): Response {
  const body = {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(init.errors ? { errors: init.errors } : {}),
  };
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/problem+json");
  return new Response(JSON.stringify(body), { status, headers });
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json");
  return new Response(JSON.stringify(body), { ...init, headers });
}

export const noContent = () => new Response(null, { status: 204 });
export const notFound = (what = "task") => problem(404, `No such ${what}.`);

/** 422 for one or more fields (body fields, or query parameters by name). */
export const invalid = (errors: FieldError[]) =>
  problem(422, "The request has invalid values; see errors.", { errors });
