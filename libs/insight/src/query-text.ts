/** Longest query text pgmon stores (statements and sessions); longer ones are cut and flagged. */
export const QUERY_TEXT_MAX_CHARS = 4096;
