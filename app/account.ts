import { z } from "zod";
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from "~/account-limits";

export * from "~/account-limits";

// Input schemas for the account forms, shared by the server actions and the browser, which
// loads this module (and zod with it) only once an account form is used.

const email = z
  .string({ error: "Enter your email address" })
  .trim()
  .min(1, "Enter your email address")
  .max(EMAIL_MAX, `Email must be at most ${EMAIL_MAX} characters`)
  .pipe(z.email("Enter an email address like name@example.com"))
  .transform((v) => v.toLowerCase());

const newPassword = z
  .string({ error: "Enter a password" })
  .min(1, "Enter a password")
  .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`);

const name = z
  .string({ error: "Enter your name" })
  .trim()
  .min(1, "Enter your name")
  .max(NAME_MAX, `Name must be at most ${NAME_MAX} characters`);

const currentPassword = z
  .string({ error: "Enter your current password" })
  .min(1, "Enter your current password")
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`);

export const signUpSchema = z.object({ name, email, password: newPassword });

export const signInSchema = z.object({
  email,
  password: z
    .string({ error: "Enter your password" })
    .min(1, "Enter your password")
    .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`),
  redirectTo: z.string().optional(),
});

export const forgotPasswordSchema = z.object({ email });

// Asked once, as on sign-up and in Settings: every password field has a Show button.
export const resetPasswordSchema = z.object({
  token: z.string({ error: "This reset link is incomplete" }).min(1, "This reset link is incomplete").max(512),
  password: newPassword,
});

export const updateNameSchema = z.object({ intent: z.literal("update-name"), name });

export const changePasswordSchema = z
  .object({
    intent: z.literal("change-password"),
    currentPassword,
    newPassword,
    revokeOtherSessions: z.literal("on").optional(),
  })
  .refine((v) => v.currentPassword !== v.newPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the current one",
  });

export const revokeSessionSchema = z.object({
  intent: z.literal("revoke-session"),
  sessionId: z.string().min(1).max(200),
});

export const deleteAccountSchema = z.object({
  intent: z.literal("delete-account"),
  password: currentPassword,
});
