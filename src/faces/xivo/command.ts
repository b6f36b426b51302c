import { ok, type Outcome } from '../../reasons/index.js';
import type { XucSession } from './cti.js';
import type { Frame } from './wire.js';

/** One entry of the XUC command table (commands.ts, callbacks.ts). */
export interface XucCommand {
  /**
   * The error frame its failures answer: AgentError for the agent commands, Error for the rest;
   * 'silent' for those XUC answers nothing on failure (seed 004: setAgentQueue, removeAgentFromQueue).
   */
  readonly errors: 'AgentError' | 'Error' | 'silent';
  handle(s: XucSession, f: Frame): Promise<Outcome<unknown>>;
}

/** A command from its argument decoder (a failure refuses the frame before anything runs) and its handler. */
export function command<A>(
  errors: XucCommand['errors'],
  decode: (s: XucSession, f: Frame) => Outcome<A>,
  run: (s: XucSession, args: A) => Promise<Outcome<unknown>>,
): XucCommand {
  return {
    errors,
    async handle(s, f) {
      const args = decode(s, f);
      return args.ok ? run(s, args.value) : args;
    },
  };
}

/** Commands without arguments. */
export const none = (): Outcome<undefined> => ok(undefined);
