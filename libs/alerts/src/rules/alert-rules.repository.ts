import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { isCheckId, type CheckId } from '#checks';
import { StoreService } from '#store';
import {
  parseSettings,
  type RuleSettings,
  type ServerRuleSettings,
  type ServerRules,
} from './rule-settings.js';

/** A check's stored settings for one server, by the server's name. */
export interface NamedServerSettings {
  check: CheckId;
  server: string;
  settings: ServerRuleSettings;
}

/** alert_rules and alert_rule_servers: only what admins set; defaults live in the code. */
@Injectable()
export class AlertRulesRepository {
  constructor(private readonly store: StoreService) {}

  async everywhere(): Promise<Partial<Record<CheckId, RuleSettings>>> {
    const rows = await this.store.db.selectFrom('alert_rules').selectAll().execute();
    const rules: Partial<Record<CheckId, RuleSettings>> = {};
    for (const row of rows)
      if (isCheckId(row.check_id)) rules[row.check_id] = parseSettings(row.settings);
    return rules;
  }

  /** The rules for every server and the server's own, in one query. */
  async forServer(serverId: number): Promise<ServerRules> {
    const rows = await this.store.db
      .selectFrom('alert_rules')
      .select(['check_id', 'settings', sql<number | null>`null`.as('server_id')])
      .unionAll(
        this.store.db
          .selectFrom('alert_rule_servers')
          .select(['check_id', 'settings', 'server_id'])
          .where('server_id', '=', serverId),
      )
      .execute();
    const rules: ServerRules = { everywhere: {}, own: {} };
    for (const row of rows) {
      if (!isCheckId(row.check_id)) continue;
      const side = row.server_id === null ? rules.everywhere : rules.own;
      side[row.check_id] = parseSettings(row.settings);
    }
    return rules;
  }

  async perServer(): Promise<NamedServerSettings[]> {
    const rows = await this.store.db
      .selectFrom('alert_rule_servers')
      .innerJoin('servers', 'servers.id', 'alert_rule_servers.server_id')
      .select(['alert_rule_servers.check_id', 'alert_rule_servers.settings', 'servers.name'])
      .execute();
    return rows.flatMap((row) =>
      isCheckId(row.check_id)
        ? [{ check: row.check_id, server: row.name, settings: parseSettings(row.settings) }]
        : [],
    );
  }

  /**
   * Stores a check's rule; `servers` (by server id), when given, replaces every per-server
   * setting of the check. One transaction.
   */
  async save(
    check: CheckId,
    settings: RuleSettings,
    servers: Map<number, ServerRuleSettings> | undefined,
    actor: string,
  ): Promise<void> {
    const now = Date.now();
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('alert_rules')
        .values({
          check_id: check,
          settings: JSON.stringify(settings),
          updated_at: now,
          updated_by: actor,
        })
        .onConflict((oc) =>
          oc.column('check_id').doUpdateSet({
            settings: JSON.stringify(settings),
            updated_at: now,
            updated_by: actor,
          }),
        )
        .execute();
      if (!servers) return;
      await trx.deleteFrom('alert_rule_servers').where('check_id', '=', check).execute();
      if (servers.size === 0) return;
      await trx
        .insertInto('alert_rule_servers')
        .values(
          [...servers].map(([serverId, own]) => ({
            check_id: check,
            server_id: serverId,
            settings: JSON.stringify(own),
          })),
        )
        .execute();
    });
  }
}
