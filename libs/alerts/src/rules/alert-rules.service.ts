import type { RequestActor } from '#auth';
import {
  Injectable,
  NotFoundException,
  OnModuleInit,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { ThresholdLevels } from '#config';
import {
  CATALOG,
  CHECK_IDS,
  CheckThresholds,
  isCheckId,
  type CheckId,
  type StoredLevels,
  type StoredLevelsSource,
} from '#checks';
import type { ServerRecord } from '#servers';
import { ServersService } from '#servers';
import { AuditLogService } from '#store';
import type { AlertRuleView, ServerRuleView, UpdateAlertRuleDto } from '../dto/alert-rules.dto.js';
import { invalidField } from '../invalid-field.js';
import { AlertRulesRepository, type NamedServerSettings } from './alert-rules.repository.js';
import {
  levelPatches,
  levelsOf,
  policiesOf,
  policyOf,
  type AlertPolicy,
  type RuleSettings,
  type ServerRuleSettings,
} from './rule-settings.js';
import { parseServerOverrides } from './server-overrides.js';

/**
 * Alert rules: per check, for every server and per server. Their levels join the checks'
 * thresholds (registered with CheckThresholds), so a rule changes what the check evaluates,
 * not only what alerts; enabled, for_s and unknown_for_s decide what alerts.
 */
@Injectable()
export class AlertRulesService implements StoredLevelsSource, OnModuleInit {
  constructor(
    private readonly repository: AlertRulesRepository,
    private readonly thresholds: CheckThresholds,
    private readonly servers: ServersService,
    private readonly audit: AuditLogService,
  ) {}

  onModuleInit(): void {
    this.thresholds.useStoredLevels(this);
  }

  async levelsFor(server: Pick<ServerRecord, 'id'>): Promise<StoredLevels> {
    const rules = await this.repository.forServer(server.id);
    return { everywhere: levelPatches(rules.everywhere), own: levelPatches(rules.own) };
  }

  async policiesFor(serverId: number): Promise<Record<CheckId, AlertPolicy>> {
    return policiesOf(await this.repository.forServer(serverId));
  }

  async list(): Promise<AlertRuleView[]> {
    const [everywhere, perServer, servers] = await Promise.all([
      this.repository.everywhere(),
      this.repository.perServer(),
      this.servers.list(),
    ]);
    const names = new Set(servers.map((server) => server.name));
    return CHECK_IDS.map((id) => this.view(id, everywhere[id], perServer, names));
  }

  async update(
    check: string,
    input: UpdateAlertRuleDto,
    actor: RequestActor,
  ): Promise<AlertRuleView> {
    if (!isCheckId(check))
      throw new NotFoundException(
        `Check ${check} not found; the checks are ${CHECK_IDS.join(', ')}`,
      );
    const [everywhere, perServer, servers] = await Promise.all([
      this.repository.everywhere(),
      this.repository.perServer(),
      this.servers.list(),
    ]);
    const settings = { ...everywhere[check], ...definedFields(input) };
    const overrides = input.servers
      ? parseServerOverrides(input.servers, new Map(servers.map((s) => [s.name, s.id])))
      : undefined;
    this.assertOrdered(check, settings, overrides, perServer);
    await this.repository.save(check, settings, overrides, actor.login);
    await this.audit.record({
      actor: actor.login,
      clientIp: actor.clientIp,
      action: 'alert_rule.update',
      target: check,
      detail: { ...definedFields(input), ...(input.servers && { servers: input.servers }) },
    });
    return (await this.list()).find((rule) => rule.check === check) as AlertRuleView;
  }

  private view(
    check: CheckId,
    settings: RuleSettings | undefined,
    perServer: NamedServerSettings[],
    existing: Set<string>,
  ): AlertRuleView {
    const policy = policyOf(check, settings, undefined);
    const levels = this.levelsEverywhere(check, settings);
    const servers: Record<string, ServerRuleView> = {};
    for (const name of this.thresholds.configuredServers()) {
      const configured = this.thresholds.configuredFor(name)[check];
      if (configured && existing.has(name)) servers[name] = { ...configured };
    }
    for (const own of perServer.filter((entry) => entry.check === check)) {
      servers[own.server] = { ...servers[own.server], ...own.settings };
    }
    return {
      check,
      enabled: policy.enabled,
      warning: levels.warning,
      critical: levels.critical,
      for_s: policy.forS,
      unknown_for_s: policy.unknownForS,
      servers,
    };
  }

  private levelsEverywhere(check: CheckId, settings: RuleSettings | undefined): ThresholdLevels {
    const configured = this.thresholds.configuredEverywhere()[check];
    return {
      warning: settings?.warning === undefined ? configured.warning : settings.warning,
      critical: settings?.critical === undefined ? configured.critical : settings.critical,
    };
  }

  /** 422 when a warning level lies beyond the critical one, for every server or for one. */
  private assertOrdered(
    check: CheckId,
    settings: RuleSettings,
    overrides: Map<number, ServerRuleSettings> | undefined,
    perServer: NamedServerSettings[],
  ): void {
    const everywhere = this.levelsEverywhere(check, settings);
    if (!ordered(check, everywhere)) throw unordered(check, 'warning');
    const own = overrides
      ? [...overrides.values()]
      : perServer.filter((entry) => entry.check === check).map((entry) => entry.settings);
    for (const levels of own) {
      if (!ordered(check, { ...everywhere, ...levelsOf(levels) }))
        throw unordered(check, 'servers');
    }
  }
}

/** For checks where higher is worse, warning <= critical; where lower is worse, the reverse. */
function ordered(check: CheckId, { warning, critical }: ThresholdLevels): boolean {
  if (warning === null || critical === null) return true;
  return CATALOG[check].direction === 'above' ? warning <= critical : warning >= critical;
}

function unordered(check: CheckId, field: string): UnprocessableEntityException {
  const worse = CATALOG[check].direction === 'above' ? 'higher' : 'lower';
  return invalidField(
    field,
    `the warning level must come before the critical one: for ${check}, ${worse} values are worse`,
  );
}

/** The rule fields the request set (servers apart). */
function definedFields(input: UpdateAlertRuleDto): RuleSettings {
  const settings: RuleSettings = {};
  if (input.enabled !== undefined) settings.enabled = input.enabled;
  if (input.warning !== undefined) settings.warning = input.warning;
  if (input.critical !== undefined) settings.critical = input.critical;
  if (input.for_s !== undefined) settings.for_s = input.for_s;
  if (input.unknown_for_s !== undefined) settings.unknown_for_s = input.unknown_for_s;
  return settings;
}
