import { data } from "@remix-run/node";

/**
 * The posted form, or a 400 page when the body cannot be read as one (a wrong or
 * boundary-less Content-Type, a truncated upload) — never a 500.
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw data({ message: "Tasklane could not read that form. Please go back and try again." }, { status: 400 });
  }
}
