/** One entry of a FastAPI-style validation error list. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** Every error body has this shape (the seed is a FastAPI service). */
export interface ErrorBody {
  detail: string | ValidationIssue[];
  error_id?: string;
}
