import { DESCRIPTION_MAX, PRIORITIES, RECURRENCES, TAG_MAX, TAGS_MAX } from "~/task-constants";
import type { FieldErrors } from "~/forms";
import { EnumOptions, Field, lazySchema, useAutoFocus } from "~/components/forms";

/** The add and edit forms' schema (the server's own), loaded on first use. */
export const taskInputForm = lazySchema(() => import("~/tasks").then((m) => m.taskInputSchema));

type Values = Partial<Record<"title" | "description" | "priority" | "tags" | "dueDate" | "recurrence", string>>;

function ErrorText({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p className="field-error" id={`${id}-error`}>
      {error}
    </p>
  ) : null;
}

/** The optional task fields, shared by the create form and the edit page. */
export function TaskDetailFields({ values, errors, idPrefix }: { values: Values; errors: FieldErrors; idPrefix: string }) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const focus = { description: useAutoFocus("description"), priority: useAutoFocus("priority"), dueDate: useAutoFocus("dueDate"), recurrence: useAutoFocus("recurrence") };
  const invalid = (name: keyof typeof focus) =>
    errors[name] ? { "aria-invalid": true as const, "aria-describedby": `${id(name)}-error`, autoFocus: focus[name] } : {};
  return (
    <div className="detail-fields">
      <div className="field span-2">
        <label htmlFor={id("description")}>Description</label>
        <textarea id={id("description")} name="description" maxLength={DESCRIPTION_MAX} defaultValue={values.description ?? ""} {...invalid("description")} />
        <ErrorText id={id("description")} error={errors.description} />
      </div>
      <div className="field">
        <label htmlFor={id("priority")}>Priority</label>
        <select id={id("priority")} name="priority" defaultValue={values.priority ?? "medium"} {...invalid("priority")}>
          <EnumOptions values={PRIORITIES} />
        </select>
        <ErrorText id={id("priority")} error={errors.priority} />
      </div>
      <div className="field">
        <label htmlFor={id("dueDate")}>Due date</label>
        <input id={id("dueDate")} name="dueDate" type="date" defaultValue={values.dueDate ?? ""} {...invalid("dueDate")} />
        <ErrorText id={id("dueDate")} error={errors.dueDate} />
      </div>
      <div className="field">
        <label htmlFor={id("recurrence")}>Repeats</label>
        <select id={id("recurrence")} name="recurrence" defaultValue={values.recurrence ?? ""} {...invalid("recurrence")}>
          <option value="">Never</option>
          <EnumOptions values={RECURRENCES} />
        </select>
        <ErrorText id={id("recurrence")} error={errors.recurrence} />
      </div>
      <Field
        id={id("tags")}
        label="Tags"
        name="tags"
        type="text"
        defaultValue={values.tags ?? ""}
        hint={`Separate with commas; up to ${TAGS_MAX}, each up to ${TAG_MAX} characters.`}
        error={errors.tags}
        autoComplete="off"
      />
    </div>
  );
}

