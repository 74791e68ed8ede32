import { DEFAULT_LIMIT, MAX_LIMIT, SEED_LIST_MAX } from "~/api-tasks.server";
import { MAX_BODY_BYTES } from "~/api.server";
import { env } from "~/env.server";
import {
  DESCRIPTION_MAX,
  DUE_FILTERS,
  PRIORITIES,
  RECURRENCES,
  SORTS,
  STATUSES,
  TAG_MAX,
  TAGS_MAX,
  TASKS_PER_USER_MAX,
  TITLE_MAX,
} from "~/tasks";

// The OpenAPI 3.1 description of /api, served at GET /api/openapi.json. Limits come from the
// same constants the validation uses; tests check every API route file is described here
// and that real responses match these schemas.

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
const jsonBody = (schema: Json) => ({ "application/json": { schema } });

const title = { type: "string", minLength: 1, maxLength: TITLE_MAX, description: "Trimmed." };
const description = { type: ["string", "null"], maxLength: DESCRIPTION_MAX, description: 'An empty string is stored as null.' };
const completed = { type: "boolean" };
const priority = { type: "string", enum: [...PRIORITIES] };
const tags = {
  type: "array",
  maxItems: TAGS_MAX,
  items: { type: "string", minLength: 1, maxLength: TAG_MAX },
  description: "Lower-cased, unique. A comma-separated string is accepted on input too.",
};
const dueDate = { type: ["string", "null"], format: "date", description: "A calendar date, YYYY-MM-DD." };
const recurrence = {
  type: ["string", "null"],
  enum: [...RECURRENCES, null],
  description: "Completing a recurring task creates its next occurrence, due on the series' next date, or, when that has passed, on its first date on or after today (UTC). Un-completing it removes that occurrence again, unless it has been changed or completed since.",
};
const timestamp = { type: "string", format: "date-time" };

const schemas: Record<string, Json> = {
  Task: {
    type: "object",
    additionalProperties: false,
    required: ["id", "title", "description", "completed", "priority", "tags", "dueDate", "recurrence", "createdAt", "updatedAt", "completedAt"],
    properties: {
      id: { type: "string" },
      title,
      description,
      completed,
      priority,
      tags,
      dueDate,
      recurrence,
      createdAt: timestamp,
      updatedAt: timestamp,
      completedAt: { type: ["string", "null"], format: "date-time" },
    },
  },
  TaskInput: {
    type: "object",
    description: "A new task, or every field of a full replace (PUT); omitted fields take their defaults. Unknown fields are ignored.",
    required: ["title"],
    properties: {
      title,
      description: { ...description, default: null },
      priority: { ...priority, default: "medium" },
      tags: { ...tags, default: [] },
      dueDate: { ...dueDate, default: null },
      recurrence: { ...recurrence, default: null },
      completed: { ...completed, default: false },
    },
  },
  TaskPatch: {
    type: "object",
    description: "A partial update: only the fields given change. Unknown fields are ignored.",
    properties: { title, description, priority, tags, dueDate, recurrence, completed },
  },
  TaskPage: {
    type: "object",
    additionalProperties: false,
    required: ["tasks", "nextCursor"],
    properties: {
      tasks: { type: "array", items: ref("Task") },
      nextCursor: { type: ["string", "null"], description: "Pass as `cursor` for the next page; null on the last one." },
    },
  },
  SeedTask: {
    type: "object",
    description: "The seed FastAPI backend's task shape.",
    additionalProperties: false,
    required: ["id", "user_id", "title", "description", "completed", "created_at", "updated_at"],
    properties: {
      id: { type: "string" },
      user_id: { type: "string" },
      title,
      description,
      completed,
      created_at: timestamp,
      updated_at: timestamp,
    },
  },
  SeedTaskCreate: {
    type: "object",
    required: ["title"],
    properties: { title, description: { ...description, default: null }, completed: { ...completed, default: false } },
  },
  SeedTaskReplace: {
    type: "object",
    description: "Replaces title and description (and completed when given); other fields of the task stay.",
    required: ["title"],
    properties: { title, description: { ...description, default: null }, completed },
  },
  SeedTaskPatch: { type: "object", properties: { title, description, completed } },
  SeedComplete: { type: "object", required: ["completed"], properties: { completed } },
  FieldError: {
    type: "object",
    required: ["field", "message"],
    properties: {
      field: { type: "string", description: 'Body field path ("tags.2"), query parameter name, or "body".' },
      message: { type: "string" },
    },
  },
  Problem: {
    type: "object",
    description: "RFC 9457 problem details (application/problem+json).",
    required: ["type", "title", "status", "detail"],
    properties: {
      type: { type: "string", const: "about:blank" },
      title: { type: "string", description: "The HTTP status phrase." },
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: { type: "string" },
      errors: { type: "array", items: ref("FieldError") },
    },
  },
};

const problemContent = { "application/problem+json": { schema: ref("Problem") } };
const problemResponse = (description: string, headers?: Json) => ({ description, content: problemContent, ...(headers ? { headers } : {}) });
const header = (description: string, schema: Json = { type: "string" }) => ({ description, schema });

const responses: Record<string, Json> = {
  BadRequest: problemResponse("Malformed JSON, or a value the database cannot take."),
  Unauthorized: problemResponse("No token, or a token that is invalid, expired or whose session has ended.", {
    "WWW-Authenticate": header('Bearer realm="tasklane", plus error="invalid_token" when a token was sent.'),
  }),
  Forbidden: problemResponse("The user id in the path is not the token's user."),
  NotFound: problemResponse("No such task — or another user's task."),
  TaskLimit: problemResponse(`The account holds ${TASKS_PER_USER_MAX.toLocaleString("en")} tasks, the most it can: delete some to add more.`),
  ContentTooLarge: problemResponse(`The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`),
  UnsupportedMediaType: problemResponse("The body is not application/json."),
  ValidationFailed: problemResponse("Invalid values; `errors` lists each field."),
  TooManyRequests: problemResponse("Over the per-user request limit.", {
    "Retry-After": header("Seconds to wait.", { type: "integer" }),
  }),
  ServiceUnavailable: problemResponse("The database is unreachable.", {
    "Retry-After": header("Seconds to wait.", { type: "integer" }),
  }),
};

const parameters: Record<string, Json> = {
  TaskId: { name: "id", in: "path", required: true, schema: { type: "string" } },
  UserId: { name: "userId", in: "path", required: true, schema: { type: "string" }, description: "Must be the token's `sub`." },
  status: { name: "status", in: "query", schema: { type: "string", enum: [...STATUSES], default: "all" } },
  q: { name: "q", in: "query", schema: { type: "string" }, description: "Searches title and description (the first 200 characters of it)." },
  priority: { name: "priority", in: "query", schema: priority },
  tag: { name: "tag", in: "query", schema: { type: "string" }, description: "Tasks carrying this tag (case-insensitive)." },
  due: { name: "due", in: "query", schema: { type: "string", enum: [...DUE_FILTERS] } },
  sort: { name: "sort", in: "query", schema: { type: "string", enum: [...SORTS], default: "created" } },
  order: { name: "order", in: "query", schema: { type: "string", enum: ["asc", "desc"] }, description: "Default: newest, soonest, most important, A–Z." },
  cursor: { name: "cursor", in: "query", schema: { type: "string" }, description: "`nextCursor` of the previous page, with the same sort and order; any other value is a 422." },
  limit: { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
  tz: { name: "tz", in: "query", schema: { type: "string" }, description: 'IANA time zone that "today" means for `due` (default UTC).' },
  seedStatus: { name: "status", in: "query", schema: { type: "string", enum: ["all", "pending", "active", "completed"], default: "all" } },
  seedSort: { name: "sort", in: "query", schema: { type: "string", enum: [...SORTS, "due_date", "created_at"], default: "created" } },
};
const p = (name: string) => ({ $ref: `#/components/parameters/${name}` });

// With API_RATE_LIMIT=0 there is no per-user limit, and so no 429 to list.
const authed = ["Unauthorized", ...(env.apiRateLimit > 0 ? ["TooManyRequests"] : []), "ServiceUnavailable"];
const withBody = ["BadRequest", "ContentTooLarge", "UnsupportedMediaType", "ValidationFailed"];
function errors(...names: string[]): Record<string, Json> {
  const codes: Record<string, string> = {
    BadRequest: "400",
    Unauthorized: "401",
    Forbidden: "403",
    NotFound: "404",
    TaskLimit: "409",
    ContentTooLarge: "413",
    UnsupportedMediaType: "415",
    ValidationFailed: "422",
    TooManyRequests: "429",
    ServiceUnavailable: "503",
  };
  return Object.fromEntries(names.map((n) => [codes[n]!, response(n)]));
}

/** Better Auth's own error body (its endpoints do not answer problem+json). */
const authError: Json = { type: "object", required: ["code"], properties: { code: { type: "string" }, message: { type: "string" } } };

function op(operationId: string, tag: string, summary: string, rest: Json): Json {
  return { operationId, tags: [tag], summary, ...rest };
}

const listParams = ["status", "q", "priority", "tag", "due", "sort", "order", "cursor", "limit", "tz"].map(p);
const seedListParams = ["seedStatus", "q", "priority", "tag", "due", "seedSort", "order", "tz"].map(p);
const one = (schema: string, description: string) => ({ description, content: jsonBody(ref(schema)) });
const location = { Location: header("The new task's URL.") };

const paths: Record<string, Json> = {
  "/api/tasks": {
    get: op("listTasks", "tasks", "List your tasks, one page at a time", {
      parameters: listParams,
      responses: { "200": one("TaskPage", "A page of tasks."), ...errors("ValidationFailed", ...authed) },
    }),
    post: op("createTask", "tasks", "Create a task", {
      requestBody: { required: true, content: jsonBody(ref("TaskInput")) },
      responses: { "201": { ...one("Task", "Created."), headers: location }, ...errors("TaskLimit", ...withBody, ...authed) },
    }),
  },
  "/api/tasks/{id}": {
    parameters: [p("TaskId")],
    get: op("getTask", "tasks", "Get one task", {
      responses: { "200": one("Task", "The task."), ...errors("NotFound", ...authed) },
    }),
    put: op("replaceTask", "tasks", "Replace a task (every field; omitted ones take their defaults)", {
      requestBody: { required: true, content: jsonBody(ref("TaskInput")) },
      responses: { "200": one("Task", "The replaced task."), ...errors("NotFound", ...withBody, ...authed) },
    }),
    patch: op("updateTask", "tasks", "Change some fields of a task", {
      requestBody: { required: true, content: jsonBody(ref("TaskPatch")) },
      responses: { "200": one("Task", "The updated task."), ...errors("NotFound", ...withBody, ...authed) },
    }),
    delete: op("deleteTask", "tasks", "Delete a task", {
      responses: { "204": { description: "Deleted." }, ...errors("NotFound", ...authed) },
    }),
  },
  "/api/{userId}/tasks": {
    parameters: [p("UserId")],
    get: op("seedListTasks", "seed-compatible", `List every task (at most ${SEED_LIST_MAX}) as one array`, {
      parameters: seedListParams,
      responses: {
        "200": { description: "The tasks.", content: jsonBody({ type: "array", items: ref("SeedTask") }) },
        ...errors("Forbidden", "ValidationFailed", ...authed),
      },
    }),
    post: op("seedCreateTask", "seed-compatible", "Create a task", {
      requestBody: { required: true, content: jsonBody(ref("SeedTaskCreate")) },
      responses: { "201": { ...one("SeedTask", "Created."), headers: location }, ...errors("Forbidden", "TaskLimit", ...withBody, ...authed) },
    }),
  },
  "/api/{userId}/tasks/{id}": {
    parameters: [p("UserId"), p("TaskId")],
    get: op("seedGetTask", "seed-compatible", "Get one task", {
      responses: { "200": one("SeedTask", "The task."), ...errors("Forbidden", "NotFound", ...authed) },
    }),
    put: op("seedReplaceTask", "seed-compatible", "Replace title and description", {
      requestBody: { required: true, content: jsonBody(ref("SeedTaskReplace")) },
      responses: { "200": one("SeedTask", "The task."), ...errors("Forbidden", "NotFound", ...withBody, ...authed) },
    }),
    patch: op("seedUpdateTask", "seed-compatible", "Change some fields", {
      requestBody: { required: true, content: jsonBody(ref("SeedTaskPatch")) },
      responses: { "200": one("SeedTask", "The task."), ...errors("Forbidden", "NotFound", ...withBody, ...authed) },
    }),
    delete: op("seedDeleteTask", "seed-compatible", "Delete a task", {
      responses: { "204": { description: "Deleted." }, ...errors("Forbidden", "NotFound", ...authed) },
    }),
  },
  "/api/{userId}/tasks/{id}/complete": {
    parameters: [p("UserId"), p("TaskId")],
    patch: op("seedCompleteTask", "seed-compatible", "Mark complete or not (no body: toggle)", {
      requestBody: { required: false, content: jsonBody(ref("SeedComplete")) },
      responses: { "200": one("SeedTask", "The task."), ...errors("Forbidden", "NotFound", ...withBody, ...authed) },
    }),
  },
  "/api/openapi.json": {
    get: op("getOpenApi", "meta", "This document", {
      security: [],
      responses: { "200": { description: "OpenAPI 3.1 document.", content: jsonBody({ type: "object" }) } },
    }),
  },
  // Better Auth's endpoints that an API client needs to get a token (its own error format).
  "/api/auth/sign-in/email": {
    post: op("signInEmail", "auth", "Sign in; the session token comes back in the set-auth-token header", {
      security: [],
      requestBody: {
        required: true,
        content: jsonBody({
          type: "object",
          required: ["email", "password"],
          properties: { email: { type: "string", format: "email" }, password: { type: "string" } },
        }),
      },
      responses: {
        "200": {
          description: "Signed in.",
          headers: { "set-auth-token": header("The session token, for Authorization: Bearer on /api/auth/token.") },
          content: jsonBody({ type: "object" }),
        },
        "400": { description: "A missing or malformed field (Better Auth's `{message, code}`).", content: jsonBody(authError) },
        "401": { description: "Wrong email or password.", content: jsonBody(authError) },
        "403": {
          description: "An Origin that is not this site or in CORS_ORIGINS, or none from a browser that sends cookies. Scripts need no Origin (Node's fetch included).",
          content: jsonBody(authError),
        },
        "429": { description: "Too many attempts.", headers: { "Retry-After": header("Seconds to wait.", { type: "integer" }) }, content: jsonBody(authError) },
      },
    }),
  },
  "/api/auth/token": {
    get: op("getToken", "auth", "Exchange the session (token or cookie) for a JWT", {
      security: [{ sessionToken: [] }, { sessionCookie: [] }],
      responses: {
        "200": {
          description: `A JWT for this API (EdDSA, expires after ${env.jwtExpiresIn}).`,
          content: jsonBody({ type: "object", required: ["token"], properties: { token: { type: "string" } } }),
        },
        "401": { description: "No session.", content: jsonBody(authError) },
      },
    }),
  },
  "/api/auth/jwks": {
    get: op("getJwks", "auth", "The public keys that sign the JWTs", {
      security: [],
      responses: { "200": { description: "A JSON Web Key Set.", content: jsonBody({ type: "object", required: ["keys"] }) } },
    }),
  },
};

let cached: Json | undefined;

export function openApiDocument(): Json {
  cached ??= {
    openapi: "3.1.0",
    info: {
      title: "Tasklane API",
      version: "1.0.0",
      description: [
        "Your Tasklane tasks as JSON. Every endpoint except /api/openapi.json and /api/auth/* needs `Authorization: Bearer <JWT>`.",
        "Get the JWT by signing in (POST /api/auth/sign-in/email → `set-auth-token` header) and calling GET /api/auth/token with that session token as a bearer; it lasts until it expires or its session ends.",
        `Bodies are application/json, at most ${MAX_BODY_BYTES / 1024} KiB. Errors are RFC 9457 problem+json.`,
        env.apiRateLimit > 0 ? `Each user may make ${env.apiRateLimit} requests a minute; over that, 429 with Retry-After.` : "There is no per-user request limit.",
        "A method a path does not have is answered 405 with an Allow header (not listed per operation).",
      ].join("\n\n"),
    },
    servers: [{ url: env.baseURL }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "tasks", description: "The canonical task API (camelCase)." },
      { name: "seed-compatible", description: "A drop-in for the seed's FastAPI routes (snake_case)." },
      { name: "auth", description: "Better Auth endpoints for getting a token." },
      { name: "meta" },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        sessionToken: { type: "http", scheme: "bearer", description: "A Better Auth session token (set-auth-token)." },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: env.baseURL.startsWith("https://") ? "__Secure-better-auth.session_token" : "better-auth.session_token",
        },
      },
      schemas,
      parameters,
      responses,
    },
  };
  return cached;
}
