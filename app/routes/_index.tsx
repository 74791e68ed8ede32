import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getSession } from "~/session.server";

export const meta: MetaFunction = () => [{ title: "Tasklane — your tasks, in any browser" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSession(request)) throw redirect("/tasks");
  return null;
}

export default function Index() {
  return (
    <>
      <section className="hero">
        <h1>Your day, in one clear list.</h1>
        <p>Tasklane keeps your tasks, due dates and priorities in one fast list that works in every browser, even with JavaScript turned off.</p>
        <div className="actions center">
          <Link to="/sign-up" className="button primary">
            Create a free account
          </Link>
          <Link to="/sign-in" className="button">
            Sign in
          </Link>
        </div>
      </section>
      <section className="features" aria-label="Features">
        <div className="card">
          <h2>Plan</h2>
          <p className="muted">Due dates, priorities, tags and repeating tasks.</p>
        </div>
        <div className="card">
          <h2>Focus</h2>
          <p className="muted">Filter, search and sort; every view is a link you can bookmark.</p>
        </div>
        <div className="card">
          <h2>Connect</h2>
          <p className="muted">A token-protected JSON API for your scripts and apps.</p>
        </div>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
