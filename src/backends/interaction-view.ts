import type { SessionRecord } from '../store/index.js';
import type { AgentRef, Interaction, NewInteraction } from './backend.js';

/** A stored session as the Backend interface shows it; absent fields stay absent. */
export function interactionOf(s: SessionRecord, agent?: AgentRef): Interaction {
  // One object, its optional fields assigned in a fixed order: cheaper than a spread per optional field, and every poll builds one.
  const view: Interaction = {
    id: s.id,
    channelId: s.channelId,
    serviceCode: s.serviceCode,
    status: s.status,
    userData: { ...s.userData },
    createdAt: s.createdAt,
  };
  if (agent) view.agent = agent;
  if (s.data !== undefined) view.data = s.data;
  if (s.description !== undefined) view.description = s.description;
  if (s.contactId !== undefined) view.contactId = s.contactId;
  if (s.contactValue !== undefined) view.contactValue = s.contactValue;
  if (s.closedAt !== undefined) view.closedAt = s.closedAt;
  if (s.workbin !== undefined) view.workbin = s.workbin;
  return view;
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
