import type Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';

/** Distinct method-and-path pairs a router's memo keeps; past it the memo starts over (clients choose paths). */
const MAX_REMEMBERED = 256;

/** Goes straight on: none of the router's routes is at this path. */
const passOn: Middleware = (_ctx, next) => next();

/**
 * A router's decision, kept per method and path. Every request crosses each router mounted before
 * the one that answers it (the probes', the operator page's, then the MCC's), and @koa/router tests
 * every layer of each and composes the matched layers' stacks anew each time: a status check spent
 * more there than on reading its session. The route tables are fixed, so for one method and path:
 * - no layer at the path (not even for another method): the request goes on, as the router would
 *   send it (it would only record an empty ctx.matched, which nothing reads as more than "none");
 * - matched, when `stacks` is 'kept' (a face whose handlers read no route parameters): the matched
 *   layers' composed stack, as router.match found them;
 * - anything else goes through the router itself, which records what it matched (ctx.matched, for
 *   a face's 405) and sets the route parameters.
 */
export function rememberedRoutes<S>(router: Router<S>, stacks: 'kept' | 'routed'): Middleware<S> {
  const routes = router.routes() as unknown as Middleware<S>;
  const decided = new Map<string, Middleware<S>>();
  return function rememberedRoutes(ctx, next) {
    const key = `${ctx.method} ${ctx.path}`;
    let chain = decided.get(key);
    if (chain === undefined) {
      const matched = router.match(ctx.path, ctx.method);
      chain =
        matched.path.length === 0
          ? (passOn as Middleware<S>)
          : matched.route && stacks === 'kept'
            ? compose(matched.pathAndMethod.flatMap((layer) => layer.stack as Array<Middleware<S>>))
            : routes;
      if (decided.size >= MAX_REMEMBERED) decided.clear();
      decided.set(key, chain);
    }
    return chain(ctx, next);
  };
}
