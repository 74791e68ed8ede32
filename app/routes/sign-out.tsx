import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { auth } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { log } from "~/log.server";
import { requireSameSite } from "~/security.server";
import { cookieHeaders, getSession } from "~/session.server";
import { redirectWithSuccess } from "~/toast.server";

// Signing out only by POST: a link or an image on another site must not sign anyone out.
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameSite(request);
  const session = await getSession(request);
  if (!session) return redirect("/");
  const { headers } = await auth.api.signOut({ headers: request.headers, returnHeaders: true });
  log.info("auth.sign_out", { userId: session.user.id });
  return redirectWithSuccess("/", "You are signed out. See you soon!", { headers: cookieHeaders(headers) });
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
