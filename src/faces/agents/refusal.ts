import { fail, type Failure, type Reason } from '../../reasons/index.js';

/**
 * A request an agent face refuses before the desk sees it (a missing or malformed parameter), in
 * the catalog's words. Thrown out of parsing, so a handler reads its parameters in straight lines;
 * the face's one error boundary answers it in the face's dialect.
 */
export class Refusal extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = 'Refusal';
  }
}

export const refuse = (reason: Reason, message: string): never => {
  throw new Refusal(fail(reason, message));
};
