/** The one session every bench target answers about, so all anchors send the same bytes. */
export const SESSION_ID = 'bench-session-1';
export const CHECK_RESULT = {
  result: 'SUCCESS',
  sessionId: SESSION_ID,
  status: 'QUEUED',
  customMessage: 'Position 1 in queue, expected wait about 5 minutes.',
};
