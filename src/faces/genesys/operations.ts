/**
 * The GWS operations this face performs (`operationName` on /me, /me/channels/…, /me/interactions/…):
 * the closed set the logs' and metrics' `operation` label may take. An agent chooses the name it
 * sends, so anything else is 'unknown'; one label per made-up name would grow the series without end.
 */
const OPERATIONS = new Set([
  'StartContactCenterSession',
  'EndContactCenterSession',
  'Ready',
  'NotReady',
  'AuxWork',
  'AfterCallWork',
  'Accept',
  'Reject',
  'Cancel',
  'Complete',
  'Transfer',
  'SingleStepTransfer',
  'PlaceInQueue',
  'PlaceInWorkbin',
  'GetWorkbinContent',
  'AttachUserData',
  'UpdateUserData',
  'DeleteUserData',
  'Leave',
  'SetInFocus',
  'AddWorkitem',
  'AddChat',
  'AddEmail',
  'AddInteraction',
  'AddOpenmedia',
  'PullWorkitem',
  'PullChat',
  'PullEmail',
  'PullInteraction',
  'PullOpenmedia',
]);

export const operationLabel = (op: string | undefined): string | undefined => (op === undefined || OPERATIONS.has(op) ? op : 'unknown');
