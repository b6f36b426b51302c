/**
 * The user statuses the face offers (UsersStatuses, sent on connect): xucmgt's XucAgent treats a
 * status whose actions include `queuepause_all` as a not-ready (pause) choice and one with
 * `queueunpause_all` as a ready one (xivo.md §4.4); `userStatusUpdate` applies them (commands.ts).
 */
export interface UserStatus {
  readonly name: string;
  readonly color: string;
  readonly longName: string;
  /** Choosing it pauses the agent (else it makes the agent ready). */
  readonly pauses: boolean;
}

export const USER_STATUSES: readonly UserStatus[] = [
  { name: 'available', color: '#00FF00', longName: 'Available', pauses: false },
  { name: 'paused', color: '#FF0000', longName: 'Paused', pauses: true },
];

/** As UsersStatuses carries them: `{name, color, longName, actions: [{name, parameters}]}`. */
export const usersStatuses = () =>
  USER_STATUSES.map(({ pauses, ...u }) => ({ ...u, actions: [{ name: pauses ? 'queuepause_all' : 'queueunpause_all', parameters: '' }] }));
