import type { UpdateServerDto } from './dto/server.dto.js';
import type { ServerRecord } from './server.record.js';

/**
 * Which destinations of the stored secrets a PUT changes. A secret is stored for one place; a
 * request that points it elsewhere must send it again, or an operator could redirect a server
 * to a listener of their own and have pgmon deliver the stored password there.
 */
export interface ServerMoves {
  /** host, port or user changes: the PostgreSQL password would go somewhere else. */
  pg: boolean;
  /** host, ssh_port or ssh_user changes: the SSH secrets would go somewhere else. */
  ssh: boolean;
  /** host or ssh_port changes: another machine answers, so a recorded host key is forgotten. */
  sshHost: boolean;
}

export function movesOf(current: ServerRecord, input: UpdateServerDto): ServerMoves {
  const host = changes(input.host, current.host);
  const sshHost = host || changes(input.ssh_port, current.sshPort);
  return {
    pg: host || changes(input.port, current.port) || changes(input.user, current.user),
    ssh: sshHost || changes(input.ssh_user, current.sshUser),
    sshHost,
  };
}

/** Wording of the 422s for a secret not sent again. */
export const SENT_AGAIN = {
  pg: 'password must be sent again when host, port or user changes (the stored one is not sent to a new place)',
  ssh: 'when host, ssh_port or ssh_user changes, the SSH secret must be sent again (the stored one is not sent to a new place)',
};

function changes<T>(requested: T | undefined, stored: T): boolean {
  return requested !== undefined && requested !== stored;
}
