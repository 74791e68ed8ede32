// Toasts made in the browser (e.g. a request that never reached the server). The root's
// toast region listens for this event next to the server's flash toasts.
export type ClientToast = { type: "error" | "success" | "info" | "warning"; message: string; description?: string };

export const CLIENT_TOAST_EVENT = "tasklane:toast";

export function showClientToast(toast: ClientToast) {
  window.dispatchEvent(new CustomEvent<ClientToast>(CLIENT_TOAST_EVENT, { detail: toast }));
}
