import type { SessionRecord } from '../store/index.js';
import type { AgentRef, Interaction, NewInteraction } from './backend.js';

/** A stored session as the Backend interface shows it; absent fields stay absent. */
export function interactionOf(s: SessionRecord, agent?: AgentRef): Interaction {
  return {
    id: s.id,
    channelId: s.channelId,
    serviceCode: s.serviceCode,
    status: s.status,
    userData: { ...s.userData },
    createdAt: s.createdAt,
    ...(agent ? { agent } : {}),
    ...(s.data !== undefined ? { data: s.data } : {}),
    ...(s.description !== undefined ? { description: s.description } : {}),
    ...(s.contactId !== undefined ? { contactId: s.contactId } : {}),
    ...(s.contactValue !== undefined ? { contactValue: s.contactValue } : {}),
    ...(s.closedAt !== undefined ? { closedAt: s.closedAt } : {}),
    ...(s.workbin !== undefined ? { workbin: s.workbin } : {}),
  };
}

/** The record a new interaction starts as, before it is stored (NEW, unqueued, no user data). */
export function newSessionRecord(spec: NewInteraction, id: string, now: number): SessionRecord {
  return {
    id,
    channelId: spec.channelId,
    serviceCode: spec.serviceCode,
    status: 'NEW',
    data: spec.data,
    description: spec.description,
    contactId: spec.contactId,
    contactValue: spec.contactValue,
    userData: {},
    seq: 0,
    rejectedBy: [],
    createdAt: now,
  };
}
