import type { Interaction } from '../backends/backend.js';

/**
 * The `customMessage` of checkSession: what the caller side can show the customer. Built in the
 * bridge from what the backend knows, so every backend phrases it the same way.
 */
export function customMessage(i: Interaction): string {
  switch (i.status) {
    case 'NEW':
      return i.serviceMessage ?? 'Session created, waiting to be accepted.';
    case 'QUEUED': {
      const where = i.queuePosition ? `Position ${i.queuePosition} in queue` : 'In queue';
      const wait = i.expectedWaitSeconds !== undefined ? `, expected wait ${formatWait(i.expectedWaitSeconds)}` : '';
      return i.serviceMessage ? `${i.serviceMessage} ${where}${wait}.` : `${where}${wait}.`;
    }
    case 'BOOKED':
      return i.agent ? `Offered to ${i.agent.displayName}, waiting for the answer.` : 'Offered to an agent.';
    case 'ASSIGNED':
      return i.agent ? `Assigned to ${i.agent.displayName}.` : 'Assigned to an agent.';
    case 'CLOSED':
      return 'Session closed.';
  }
}

function formatWait(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'about 1 minute' : `about ${minutes} minutes`;
}
