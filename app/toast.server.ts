import { createCookieSessionStorage } from "@remix-run/node";
import { createToastUtilsWithCustomSession } from "remix-toast";
import { env } from "~/env.server";

// remix-toast's own cookie is not signed (its sign() is a no-op), so anyone could plant a
// toast with any text. Ours is signed with the app secret; its text is still rendered
// as text only.
const toastStorage = createCookieSessionStorage({
  cookie: {
    name: "toast",
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: env.baseURL.startsWith("https://"),
    secrets: [env.secret],
  },
});

export const { getToast, redirectWithError, redirectWithInfo, redirectWithSuccess, jsonWithError, jsonWithSuccess } =
  createToastUtilsWithCustomSession(toastStorage);
