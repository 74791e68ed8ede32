// Account field limits, without zod, for the pages' inputs (maxLength, hints).
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;
export const EMAIL_MAX = 254;
/** Under every new-password field: the length, and the common-password check the server makes. */
export const PASSWORD_HINT = `At least ${PASSWORD_MIN} characters, and not a common password.`;
