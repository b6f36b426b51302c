export { ChangeFeed, payload } from './feed.js';
export { recordingChanges } from './recording.js';
export { WebhookDispatcher } from './webhooks.js';
export { SIGNATURE_HEADER, signature } from './signature.js';
