import { matchApiPath, type ApiPath } from "~/api-paths";
import { apiNotFound, apiRoute, hasNoBody, json, noContent, notFound, publicApiRoute, readJson, type ApiHandler } from "~/api.server";
import {
  found,
  listAllSeed,
  listOptions,
  seedCompleteSchema,
  seedCreateSchema,
  seedFound,
  seedInput,
  seedPatchSchema,
  seedReplaceSchema,
  seedRoute,
  taskId,
  toSeedTask,
} from "~/api-tasks.server";
import { openApiDocument } from "~/openapi.server";
import { taskInputSchema, taskPatchSchema } from "~/tasks";
import { createTask, deleteTask, getTask, listTasks, replaceTask, setCompleted, toggleTask, updateTask } from "~/tasks.server";

// The JSON API's routes. One table, served two ways: by server.mjs directly (production:
// the API skips Express and Remix's router, which the benchmark showed costing more than
// the API's own work) and by the Remix catch-all route app/routes/api.$.ts (vite dev).

const routes: Record<ApiPath, ApiHandler> = {
  // The API's OpenAPI 3.1 description; no token needed.
  "/api/openapi.json": publicApiRoute({
    GET: async () => json(openApiDocument()),
  }),

  // {tasks, nextCursor} pages; POST → 201 task + Location.
  "/api/tasks": apiRoute({
    GET: async ({ user, url }) => json(await listTasks(user.id, listOptions(url.searchParams))),
    POST: async ({ user, request }) => {
      const task = await createTask(user.id, await readJson(request, taskInputSchema));
      return json(task, { status: 201, headers: { Location: `/api/tasks/${task.id}` } });
    },
  }),

  // One task of the token's user; another user's task is a 404 like a missing one.
  "/api/tasks/{id}": apiRoute({
    GET: async ({ user, params }) => found(await getTask(user.id, taskId(params))),
    PUT: async ({ user, params, request }) => {
      const id = taskId(params);
      return found(await replaceTask(user.id, id, await readJson(request, taskInputSchema)));
    },
    PATCH: async ({ user, params, request }) => {
      const id = taskId(params);
      return found(await updateTask(user.id, id, await readJson(request, taskPatchSchema)));
    },
    DELETE: async ({ user, params }) => ((await deleteTask(user.id, taskId(params))) ? noContent() : notFound()),
  }),

  // Seed-compatible: a JSON array of every task; POST → 201 task (snake_case).
  "/api/{userId}/tasks": seedRoute({
    GET: async ({ user, url }) => json(await listAllSeed(user.id, url.searchParams)),
    POST: async ({ user, request }) => {
      const task = await createTask(user.id, seedInput(await readJson(request, seedCreateSchema)));
      return json(toSeedTask(task, user.id), { status: 201, headers: { Location: `/api/${user.id}/tasks/${task.id}` } });
    },
  }),

  // Seed-compatible single task. PUT replaces the seed's fields only (title, description and,
  // when given, completed), so priority, tags and dates set elsewhere survive an old client.
  "/api/{userId}/tasks/{id}": seedRoute({
    GET: async ({ user, params }) => seedFound(await getTask(user.id, taskId(params)), user.id),
    PUT: async ({ user, params, request }) => {
      const id = taskId(params);
      return seedFound(await updateTask(user.id, id, await readJson(request, seedReplaceSchema)), user.id);
    },
    PATCH: async ({ user, params, request }) => {
      const id = taskId(params);
      return seedFound(await updateTask(user.id, id, await readJson(request, seedPatchSchema)), user.id);
    },
    DELETE: async ({ user, params }) => ((await deleteTask(user.id, taskId(params))) ? noContent() : notFound()),
  }),

  // Seed-compatible {"completed": bool}; with no body at all it toggles, as the seed's
  // "toggle completion" endpoint did.
  "/api/{userId}/tasks/{id}/complete": seedRoute({
    PATCH: async ({ user, params, request }) => {
      const id = taskId(params);
      if (hasNoBody(request)) return seedFound(await toggleTask(user.id, id), user.id);
      const { completed } = await readJson(request, seedCompleteSchema);
      return seedFound(await setCompleted(user.id, id, completed), user.id);
    },
  }),
};

/** Answers any /api/* request (but /api/auth/*): a route's answer, or a 404 problem. */
export async function handleApiRequest(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const match = matchApiPath(url.pathname);
  return match ? routes[match.template](request, url, match.params) : apiNotFound(request);
}
