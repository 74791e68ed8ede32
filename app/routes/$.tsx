import type { MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { errorTitle, GeneralErrorBoundary } from "~/components/error-boundary";

// Every URL no other route matches. Without a matching route Remix runs no loader at all,
// not even the root's, so the 404 page showed the signed-out header to a signed-in user.
// Here the root loader runs as for any page, and this route answers 404.

export function loader() {
  throw data(null, { status: 404 });
}

export function action() {
  throw data(null, { status: 404 });
}

export const meta: MetaFunction = ({ error, matches }) => [
  ...matches.flatMap((match) => match.meta ?? []).filter((tag) => !("title" in tag)),
  { title: errorTitle(error) },
];

export default function NotFound() {
  // Never rendered: the loader always throws, so the error boundary shows instead.
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
