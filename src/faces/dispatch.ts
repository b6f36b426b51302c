import type Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';

/** Distinct method-and-path pairs kept; past it the memo starts over (clients choose paths). */
const MAX_CHAINS = 256;

/**
 * The MCC router's routes, with its decision kept per method and path. @koa/router tests every
 * layer and composes the matched layers' stacks anew on each request, which cost a status check
 * more than reading its envelope; the route table is fixed, so for one method and path the
 * matched layers (the router's own matching, router.match) and their composed stack are too.
 * A request no MCC route matches goes through the router itself, which records what it matched
 * for the faces after it (ctx.matched) and passes it on. The MCC face reads no route parameters.
 */
export function memoizedRoutes<S>(router: Router<S>): Middleware<S> {
  const routes = router.routes() as unknown as Middleware<S>;
  const chains = new Map<string, Middleware<S>>();
  return function mccRoutes(ctx, next) {
    const key = `${ctx.method} ${ctx.path}`;
    let chain = chains.get(key);
    if (chain === undefined) {
      const matched = router.match(ctx.path, ctx.method);
      if (!matched.route) return routes(ctx, next);
      if (chains.size >= MAX_CHAINS) chains.clear();
      chain = compose(matched.pathAndMethod.flatMap((layer) => layer.stack as Array<Middleware<S>>));
      chains.set(key, chain);
    }
    return chain(ctx, next);
  };
}
