/**
 * The upstream web UI names audit entries by event type (login_success, user_create, ...);
 * pgmon records an action and an outcome (auth.login + success, user.create). Sessions map by
 * this table; other actions by their first dot (user.create <-> user_create, ssh_key.delete
 * <-> ssh_key_delete), verbs having no underscore.
 */
const SESSION_EVENTS = [
  { type: 'login_success', action: 'auth.login', outcome: 'success' },
  { type: 'login_failed', action: 'auth.login', outcome: 'failed' },
  { type: 'refresh', action: 'auth.refresh', outcome: 'success' },
  { type: 'refresh_refused', action: 'auth.refresh', outcome: 'refused' },
  { type: 'logout', action: 'auth.logout', outcome: 'success' },
] as const;

/** The prefix of session actions (logins, refreshes, logouts): the rest are changes people made. */
export const SESSION_ACTION_PREFIX = 'auth.';

export function eventTypeOf(action: string, outcome: string): string {
  const session = SESSION_EVENTS.find((e) => e.action === action && e.outcome === outcome);
  if (session) return session.type;
  return action.replace('.', '_');
}

/** The action (and for sessions the outcome) an event type stands for. */
export function actionOf(eventType: string): { action: string; outcome?: string } {
  const session = SESSION_EVENTS.find((e) => e.type === eventType);
  if (session) return { action: session.action, outcome: session.outcome };
  const verb = eventType.lastIndexOf('_');
  return {
    action: verb < 0 ? eventType : `${eventType.slice(0, verb)}.${eventType.slice(verb + 1)}`,
  };
}
