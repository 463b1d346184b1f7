/** Logins: 1-64 characters of letters, digits, `.`, `_`, `@` and `-`. */
export const LOGIN_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt only looks at the first 72 bytes; longer passwords would be silently truncated. */
export const PASSWORD_MAX_BYTES = 72;
