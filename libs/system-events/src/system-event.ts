export const EVENT_LEVELS = ['info', 'warning', 'error'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

/**
 * Where an event comes from. Names shared with the upstream project's web UI keep its spelling
 * (collector_stats, maintenance, system); each collector task reports as collector_<task>.
 */
export const EVENT_SOURCES = {
  history: 'collector_stats',
  maintenance: 'maintenance',
  system: 'system',
} as const;

/** The source of a collector task's events (collector_checks, ...). */
export function taskSource(task: string): string {
  return `collector_${task}`;
}

/** One of pgmon's own events, to record. */
export interface NewSystemEvent {
  level: EventLevel;
  source: string;
  message: string;
  details?: string | null;
}

/** An event as read back. */
export interface SystemEvent extends NewSystemEvent {
  at: number;
  details: string | null;
}

/** Which events to read: all filters optional, a page of them. */
export interface SystemEventFilter {
  level?: EventLevel;
  source?: string;
  /** Text the message or the details contain, in any case. */
  search?: string;
  start?: number;
  end?: number;
  limit: number;
  offset: number;
}

export interface SystemEventStats {
  total: number;
  errorsToday: number;
  warningsToday: number;
}
