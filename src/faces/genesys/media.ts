import type { AgentEventKind, AgentRoster } from '../../backends/agent-desk.js';
import type { Interaction } from '../../backends/backend.js';
import { userDataView, type Body } from './wire.js';

/**
 * GWS 8.5.2+ puts each media on its own resources, topic and message type (genesys.md §0, §3, §4):
 * chats at /api/v2/me/chats/{id} with ChatStateChangeMessage on /v2/me/chats
 * (https://docs.genesys.com/Documentation/HTCC/latest/API/ChatMessageType), workitems at
 * /api/v2/me/workitems/{id} with WorkitemStateChangeMessage on /v2/me/workitems
 * (https://docs.genesys.com/Documentation/HTCC/latest/API/WorkitemMessageType), emails at
 * /api/v2/me/emails/{id} with EmailStateChangeMessage (GWS 8.6.0 EmailTransfer page), and any other
 * media at /api/v2/me/openmedia/{mediaType}/{id} with OpenmediaStateChangeMessage (OpenMediaAPI
 * pages). A channel's media is its `mediaType` in the configuration.
 */
export interface Media {
  /** The collection under /api/v2/me (`chats`, `workitems`, `emails`, `openmedia/<type>`). */
  readonly collection: string;
  readonly topic: string;
  readonly messageType: string;
  /** The resource's attribute in a notification and a GET answer (`chat`, `workitem`, …). */
  readonly key: string;
  /** Its type attribute (`chatType`, `workitemType`, …: genesys.md §4). */
  readonly typeField: string;
}

const NAMED: Record<string, Media> = {
  chat: { collection: 'chats', topic: '/v2/me/chats', messageType: 'ChatStateChangeMessage', key: 'chat', typeField: 'chatType' },
  workitem: { collection: 'workitems', topic: '/v2/me/workitems', messageType: 'WorkitemStateChangeMessage', key: 'workitem', typeField: 'workitemType' },
  email: { collection: 'emails', topic: '/v2/me/emails', messageType: 'EmailStateChangeMessage', key: 'email', typeField: 'emailType' },
};

/** The per-media collections with their own path (open media go under /me/openmedia/{mediaType}). */
export const NAMED_COLLECTIONS = Object.values(NAMED).map((m) => m.collection);

export function mediaOf(mediaType: string): Media {
  // The open-media topic name is not in the docs found (genesys.md §3, [I]); its message type is.
  return (
    NAMED[mediaType] ?? {
      collection: `openmedia/${mediaType}`,
      topic: '/v2/me/openmedia',
      messageType: 'OpenmediaStateChangeMessage',
      key: 'openmedia',
      typeField: 'openmediaType',
    }
  );
}

/** The channel a per-media path names, if the contact center has one of that media. */
export function channelOfCollection(dir: AgentRoster, collection: string): number | undefined {
  const named = Object.entries(NAMED).find(([, m]) => m.collection === collection)?.[0];
  const mediaType = named ?? (collection.startsWith('openmedia/') ? collection.slice('openmedia/'.length) : undefined);
  const id = mediaType === undefined ? undefined : dir.channelOfMedia(mediaType);
  // An open-media path never names a media that has a path of its own.
  return id !== undefined && (named !== undefined || NAMED[mediaType as string] === undefined) ? id : undefined;
}

/**
 * The state an event leaves the interaction in. Chat: Invited → Chatting → Completed (ChatAccept /
 * ChatComplete pages); the others: Invited → Processing → Completed, Revoked when the offer is taken
 * back, InWorkbin when parked (chaosloth/genesys-concierge-ui js/gws/media/workitem.js reads all five).
 */
export function stateAfter(kind: AgentEventKind, mediaType: string): string | undefined {
  const working = mediaType === 'chat' ? 'Chatting' : 'Processing';
  return (
    { OFFERED: 'Invited', ASSIGNED: working, UPDATED: undefined, RELEASED: 'Revoked', CLOSED: 'Completed', PARKED: 'InWorkbin' } as Partial<
      Record<AgentEventKind, string>
    >
  )[kind];
}

function stateOf(i: Interaction, mediaType: string): string {
  if (i.status === 'BOOKED') return 'Invited';
  if (i.status === 'ASSIGNED') return i.workbin !== undefined ? 'InWorkbin' : mediaType === 'chat' ? 'Chatting' : 'Processing';
  if (i.status === 'CLOSED') return 'Completed';
  return 'Revoked'; // back in a queue: no longer this agent's
}

/**
 * What a desktop may do in each state; clients gate their buttons on it. Processing lists the
 * workitem page's capabilities (Transfer, AttachUserData, UpdateUserData, DeleteUserData, Complete),
 * Chatting the chat pages' (Leave too); after Complete, Reject or Revoke the list is empty.
 */
const CAPABILITIES: Record<string, string[]> = {
  Invited: ['Accept', 'Reject'],
  Processing: ['Complete', 'Transfer', 'AttachUserData', 'UpdateUserData', 'DeleteUserData', 'SetInFocus'],
  Chatting: ['Complete', 'Leave', 'Transfer', 'AttachUserData', 'UpdateUserData', 'DeleteUserData', 'SetInFocus'],
  InWorkbin: ['Accept'],
};

/** The per-media resource of an interaction, in notifications and GET answers alike. */
export function mediaResource(i: Interaction, dir: AgentRoster, base: string, viewer: string, state?: string): Body {
  const mediaType = dir.mediaType(i.channelId);
  const media = mediaOf(mediaType);
  const shown = state ?? stateOf(i, mediaType);
  const mine = i.agent?.username === viewer;
  const agent = i.agent ? dir.user(i.agent.username) : undefined;
  return {
    id: i.id,
    state: shown,
    capabilities: mine ? (CAPABILITIES[shown] ?? []) : [],
    [media.typeField]: 'Inbound',
    ...(media.key === 'openmedia' ? { mediaType } : {}),
    uri: `${base}/api/v2/me/${media.collection}/${encodeURIComponent(i.id)}`,
    path: `/me/${media.collection}/${i.id}`,
    receivedDate: new Date(i.createdAt).toISOString(),
    queue: i.serviceCode,
    userData: userDataView(i.userData),
    // Chat participants as the chat pages show them (type Agent|Customer, nickname, participantId).
    ...(media.key === 'chat'
      ? {
          participants: [
            { type: 'Customer', nickname: i.contactValue ?? 'Customer', participantId: 'customer' },
            ...(agent && i.status === 'ASSIGNED' ? [{ type: 'Agent', nickname: dir.displayName(agent), participantId: agent.username }] : []),
          ],
        }
      : {}),
  };
}
