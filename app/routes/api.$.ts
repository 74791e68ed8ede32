import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApiRequest } from "~/api-routes.server";

// Every /api/* path but Better Auth's /api/auth/* (a more specific route). In production
// server.mjs calls handleApiRequest itself and these requests never reach Remix; this
// route serves them under `npm run dev`, and answers unknown paths with a 404 problem
// rather than the HTML 404 page.
export const loader = ({ request }: LoaderFunctionArgs) => handleApiRequest(request);
export const action = ({ request }: ActionFunctionArgs) => handleApiRequest(request);
