import type { AgentEvent } from '../../backends/agent-desk.js';
import type { GenesysFace } from './index.js';
import { mediaOf, mediaResource, stateAfter } from './media.js';
import { channelResources, deviceResource, interactionResource, type Body } from './wire.js';

/** A GWS notification: the topic (under /v2/me) and its message. */
export interface GenesysMessage {
  topic: string;
  data: Body;
}

const interactionStates: Partial<Record<AgentEvent['kind'], string>> = {
  OFFERED: 'Invited',
  ASSIGNED: 'Processing',
  RELEASED: 'Revoked',
  CLOSED: 'Completed',
  PARKED: 'InWorkbin',
};

/** One desk event as GWS messages: state changes on devices and channels, interactions on theirs. */
export async function genesysMessages(face: GenesysFace, base: string, e: AgentEvent): Promise<GenesysMessage[]> {
  const { engine, directory: dir } = face;
  const user = dir.user(e.username);
  if (!user) return [];
  if (e.kind === 'LOGGED_IN' || e.kind === 'LOGGED_OUT' || e.kind === 'READY' || e.kind === 'NOT_READY') {
    const state = await engine.agentState(e.username);
    if (!state.ok) return [];
    return [
      { topic: '/v2/me/devices', data: { messageType: 'DeviceStateChangeMessage', devices: [deviceResource(state.value, base)] } },
      { topic: '/v2/me/channels', data: { messageType: 'ChannelStateChangeMessageV2', channels: channelResources(state.value, dir, dir.workChannels(user)) } },
    ];
  }
  if (e.sessionId === undefined) return [];
  const found = await engine.getInteraction(e.sessionId);
  if (!found.ok) return [];
  const interaction = interactionResource(found.value, dir, base, e.username, interactionStates[e.kind]);
  const notificationType = e.kind === 'UPDATED' ? 'PropertiesUpdated' : 'StatusChange';
  const mediaType = dir.mediaType(found.value.channelId);
  const media = mediaOf(mediaType);
  const resource = mediaResource(found.value, dir, base, e.username, stateAfter(e.kind, mediaType));
  const messages: GenesysMessage[] = [
    // The per-media message of GWS 8.5.2+ (media.ts); a userData change is PropertiesUpdated with the whole map (WorkitemMessageType page).
    { topic: media.topic, data: { messageType: media.messageType, notificationType, [media.key]: resource } },
    // The generic message of the 8.5.0/8.5.1 interactions API (seed 003), for the desktops written to it.
    { topic: '/v2/me/interactions', data: { messageType: 'InteractionStateMessage', notificationType, interaction } },
  ];
  if (e.kind === 'PARKED')
    messages.push({ topic: '/v2/me/workbins', data: { messageType: 'WorkbinStateChangeMessage', action: 'ItemAdded', id: e.reason, interaction } });
  return messages;
}
