import { inProgress, type Interaction } from '../../backends/backend.js';
import type { Json } from './wire.js';

/**
 * The phone side of an MCC session as XUC shows it: PhoneEvent, the Sheet of its attached data, and
 * the phone hint of a line. A session is the agent's call: its id is the call's uniqueId and
 * linkedId, its contact the other party.
 */

/** The user data key of a call put on hold (`hold` toggles it; every face sees it). */
export const ON_HOLD = 'onHold';

export const isOnHold = (i: Interaction) => i.userData[ON_HOLD] === 'true';

/**
 * The MCC session data a desktop may want on the call, beside the user data: XiVO attaches call
 * variables as `USR_<name>` (seed 004, dialFromQueue "USR_var1 and USR_var2 will be attached to the
 * call and propagated to Phone Events"), so the session's fields travel the same way.
 */
function attached(i: Interaction): Record<string, string> {
  const session: Record<string, string | undefined> = {
    sessionId: i.id,
    serviceCode: i.serviceCode,
    channelId: String(i.channelId),
    contactId: i.contactId,
    contactValue: i.contactValue,
    description: i.description,
    data: i.data,
  };
  const all = { ...Object.fromEntries(Object.entries(session).filter((e): e is [string, string] => e[1] !== undefined)), ...i.userData };
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [`USR_${k}`, v]));
}

/**
 * A PhoneEvent (xivo.md §4.4): the fields GLPI's xuc.js `phoneEvents` and xucmgt's
 * XucPhoneEventListener / XucNotification read: eventType, DN, otherDN, otherDName (the caller's
 * name: the contact's id, else its number), linkedId, uniqueId, userData.
 */
export function phoneEvent(i: Interaction, eventType: string, dn: string | undefined): Json {
  return {
    eventType,
    DN: dn ?? '',
    otherDN: i.contactValue ?? '',
    otherDName: i.contactId ?? i.contactValue ?? '',
    linkedId: i.id,
    uniqueId: i.id,
    queueName: i.serviceCode,
    userData: attached(i),
  };
}

/** The PhoneEvent type of a held session now (getCurrentCallsPhoneEvents): ringing or dialling, on hold, established. */
export function currentEventType(i: Interaction): string | undefined {
  if (i.status === 'BOOKED') return i.userData.direction === 'Outgoing' ? 'EventDialing' : 'EventRinging';
  if (inProgress(i)) return isOnHold(i) ? 'EventOnHold' : 'EventEstablished';
  return undefined;
}

/**
 * A Sheet when a session is offered, as XUC pops one for attached data (seed 004 "Sheet"): xucmgt's
 * XucSheet decodes `payload.profile.user.sheetInfo` into {name: value} and opens `popupUrl` when a
 * sheet has one (none here: the bridge knows no CRM URL).
 */
export function sheet(i: Interaction, now: number): Json {
  const fields = Object.entries(attached(i)).map(([k, v]) => [k.slice(4), v] as const);
  return {
    timenow: Math.floor(now / 1000),
    compressed: false,
    serial: 'json',
    payload: { profile: { user: { sheetInfo: fields.map(([name, value], n) => ({ name, value, order: (n + 1) * 10, type: 'text' })) } } },
    channel: `MCC/${i.channelId}-${i.id}`,
  };
}

/**
 * Cti.PhoneStatus as cti.js numbers it (pluginsGLPI/xivo js/xivo/cti.js): what a line is doing,
 * read from the sessions of the agent logged in on it.
 */
export const PHONE_STATUS = { AVAILABLE: 0, BUSY: 2, RINGING: 8, ONHOLD: 16, UNEXISTING: -2 } as const;

export function lineStatus(known: boolean, held: readonly Interaction[]): number {
  if (!known) return PHONE_STATUS.UNEXISTING;
  const calls = held.filter(inProgress);
  if (calls.some((i) => !isOnHold(i))) return PHONE_STATUS.BUSY;
  if (calls.length > 0) return PHONE_STATUS.ONHOLD;
  return held.some((i) => i.status === 'BOOKED') ? PHONE_STATUS.RINGING : PHONE_STATUS.AVAILABLE;
}
