import type { z } from "zod";

export type FieldErrors = Record<string, string | undefined>;

export type FormResult<T> =
  | { success: true; data: T }
  | { success: false; fieldErrors: FieldErrors };

export const NUL_MESSAGE = "Remove the NUL character (U+0000): it cannot be saved";

/**
 * Parses FormData with a schema; the first message per field, for the form to show.
 * Postgres cannot store NUL in text, so a field holding one is refused here, for every
 * form at once (the JSON API refuses them the same way in readJson).
 */
export function parseForm<S extends z.ZodType>(schema: S, formData: FormData): FormResult<z.output<S>> {
  const raw: Record<string, unknown> = {};
  const nulErrors: FieldErrors = {};
  for (const [key, value] of formData) {
    if (typeof value !== "string") continue;
    if (value.includes("\u0000")) nulErrors[key] = NUL_MESSAGE;
    raw[key] = key in raw ? ([] as unknown[]).concat(raw[key], value) : value;
  }
  if (Object.keys(nulErrors).length > 0) return { success: false, fieldErrors: nulErrors };
  const result = schema.safeParse(raw);
  if (result.success) return { success: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  return { success: false, fieldErrors: inFormOrder(fieldErrors, formData) };
}

/**
 * Errors in the form's own order (FormData keeps the page's), not the schema's: the first
 * one is where focus goes, with or without JavaScript.
 */
function inFormOrder(errors: FieldErrors, formData: FormData): FieldErrors {
  const order = [...new Set(formData.keys())];
  const position = (field: string) => {
    const i = order.indexOf(field);
    return i === -1 ? order.length : i;
  };
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => position(a) - position(b)));
}

/** What the user typed, to put back into the form (never passwords). */
export function keptValues(formData: FormData, ...fields: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = formData.get(field);
    if (typeof value === "string") values[field] = value;
  }
  return values;
}
