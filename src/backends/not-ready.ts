/**
 * Why an agent is not ready, typed. The store keeps it as text (the `reason` of an agent channel and
 * of its NOT_READY / READY events), in the words it has always used, so stored data stays readable:
 *
 *   busy                  'busy'                 (the default; Genesys NotReady, Huawei saybusy)
 *   busy with a code      'busy:<n>'             (Huawei saybusy?reason=200–250)
 *   rest                  'rest:<cause>:<secs>'  (Huawei rest/<time>/<restcause>)
 *   wrap-up               'wrap-up'              (after a session without autoIdle, Huawei work, Genesys AfterCallWork)
 *   no answer             'no answer'            (forced not ready after an offer timed out)
 *   a pause label         the label itself       (XiVO pauseAgent reason, Genesys reasonCode)
 *
 * Faces build and read reasons only through this module: encodeNotReady on the way in,
 * decodeNotReady on the way out.
 */
export type NotReadyReason =
  | { readonly kind: 'busy'; readonly code?: number }
  | { readonly kind: 'rest'; readonly cause: number; readonly seconds: number }
  | { readonly kind: 'wrap-up' }
  | { readonly kind: 'no-answer' }
  | { readonly kind: 'pause'; readonly label: string };

export const BUSY: NotReadyReason = { kind: 'busy' };
export const WRAP_UP: NotReadyReason = { kind: 'wrap-up' };
export const NO_ANSWER: NotReadyReason = { kind: 'no-answer' };

/** The text the store holds for a reason. */
export function encodeNotReady(r: NotReadyReason): string {
  switch (r.kind) {
    case 'busy':
      return r.code === undefined ? 'busy' : `busy:${r.code}`;
    case 'rest':
      return `rest:${r.cause}:${r.seconds}`;
    case 'wrap-up':
      return 'wrap-up';
    case 'no-answer':
      return 'no answer';
    case 'pause':
      return r.label;
  }
}

/** Whole numbers as encodeNotReady writes them: no leading zeros, and short enough to stay exact. */
const N = '(0|[1-9]\\d{0,14})';
const BUSY_CODE = new RegExp(`^busy:${N}$`);
const REST = new RegExp(`^rest:${N}:${N}$`);

/**
 * The reason a stored text means. Only the exact forms encodeNotReady writes are read as busy, rest,
 * wrap-up or no answer; any other text is a pause label (a XiVO pause "restroom" is not a rest;
 * 'busy:x' and 'busy:07' are labels). So encodeNotReady(decodeNotReady(text)) gives back every text.
 * Build reasons from text a caller typed (a XiVO or Genesys reason) with decodeNotReady too: an
 * agent's 'wrap-up' has always meant wrap-up, and a label never collides with a reserved form.
 */
export function decodeNotReady(text: string): NotReadyReason {
  if (text === 'busy') return BUSY;
  if (text === 'wrap-up') return WRAP_UP;
  if (text === 'no answer') return { kind: 'no-answer' };
  const busy = BUSY_CODE.exec(text);
  if (busy) return { kind: 'busy', code: Number(busy[1]) };
  const rest = REST.exec(text);
  if (rest) return { kind: 'rest', cause: Number(rest[1]), seconds: Number(rest[2]) };
  return { kind: 'pause', label: text };
}
