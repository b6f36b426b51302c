import type { ServiceState } from '../../contract/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import { storeGuard, type AgentChannelRecord, type SessionRecord, type Tx } from '../../store/index.js';
import { skillCheck, type EngineContext, type SkillCheck } from './context.js';
import { isOpen } from './schedule.js';
import { route } from './transitions.js';

/** Service state as the MCC asks it (license, switches, hours, staff), and the operator switches. */

export function serviceStates(e: EngineContext, channelId: number, codes: readonly string[]): Promise<Outcome<Record<string, ServiceState>>> {
  return storeGuard(() =>
    e.store.read(async (tx) => {
      const channel = e.roster.channel(channelId);
      const states: Record<string, ServiceState> = {};
      const full = channel ? channel.license <= 0 || (await tx.activeSessions(channelId)) >= channel.license : false;
      const staff = channel ? await tx.channelAgents(channelId) : [];
      const skilled = await skillCheck(e, tx);
      for (const code of codes) states[code] = await serviceState(e, tx, channelId, code, full, staff, skilled);
      return ok(states);
    }),
  );
}

async function serviceState(
  e: EngineContext,
  tx: Tx,
  channelId: number,
  code: string,
  licenseFull: boolean,
  staff: AgentChannelRecord[],
  skilled: SkillCheck,
): Promise<ServiceState> {
  const channel = e.roster.channel(channelId);
  if (!channel || !channel.enabled) return 'CHANNEL_NOT_ENABLED';
  if (licenseFull) return 'NO_LICENSE';
  const cfg = e.roster.serviceConfig(channelId, code);
  const runtime = cfg && (await tx.getService(channelId, code));
  if (!cfg || !runtime) return 'UNKNOWN_SERVICE';
  if (!runtime.enabled) return 'SERVICE_NOT_ENABLED';
  if (runtime.outOfService) return 'OUT_OF_SERVICE';
  if (!isOpen(cfg, e.settings.timeZone, e.now())) return 'OVERTIME';
  return staff.some((a) => skilled(a.username, code)) ? 'ACTIVE' : 'OUT_OF_SERVICE';
}

/** Operator switches (enabled, out of service); enabling routes the channel at once. */
export function setServiceFlag(e: EngineContext, channelId: number, code: string, flag: { enabled?: boolean; outOfService?: boolean }): Promise<Outcome<void>> {
  return storeGuard(() =>
    e.store.tx(async (tx) => {
      await tx.lockChannel(channelId);
      const service = await tx.getService(channelId, code);
      if (!service) return fail('UNKNOWN_SERVICE', `service ${code} is not configured on channel ${channelId}`);
      await tx.updateService({ ...service, ...flag });
      if (flag.enabled) await route(e, tx, channelId);
      return ok(undefined);
    }),
  );
}

/**
 * Why the session's service cannot take it now: UNKNOWN_SERVICE once a reload removed it from the
 * configuration (its store row stays, but no routing pass reads its queue again: queuing there would
 * strand the customer), SERVICE_DISABLED when it is switched off.
 */
export async function unavailableService(e: EngineContext, tx: Tx, s: SessionRecord): Promise<Outcome<never> | undefined> {
  if (!e.roster.serviceConfig(s.channelId, s.serviceCode))
    return fail('UNKNOWN_SERVICE', `service ${s.serviceCode} is no longer configured on channel ${s.channelId}`);
  const service = await tx.getService(s.channelId, s.serviceCode);
  return service?.enabled ? undefined : fail('SERVICE_DISABLED', `service ${s.serviceCode} is not enabled on channel ${s.channelId}`);
}
