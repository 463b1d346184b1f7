import type { AuthUser } from '#auth';

/** A 200 answer ready in memory. The same object as long as the body is unchanged. */
export interface FastAnswer {
  readonly body: string;
}

/**
 * A GET route whose usual answer is already in memory, so that the fast lane can serve it
 * without Express. The route's controller stays the reference: whatever the lane does not
 * answer (a miss, a query string, a conditional request, anything unusual) goes to Express.
 */
export interface FastRoute {
  /** Exact request targets served, without query string, e.g. ['/servers', '/api/servers']. */
  readonly paths: readonly string[];
  /** The `route` label Express's request metrics give it (the controller's path). */
  readonly metricsRoute: string;
  /** Public routes are answered to anyone; the others need a token the AuthCache knows. */
  readonly isPublic: boolean;
  /** The answer for this user now, or undefined when only the controller can answer. */
  answer(user: AuthUser | undefined): FastAnswer | undefined;
}
