import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { rememberedRoutes } from '../src/faces/dispatch.js';

/**
 * rememberedRoutes keeps a router's decision per method and path. What it keeps must never change
 * an answer: route parameters are read anew, a request for a later router passes on, a later
 * router's 405 still sees what was matched, and past its bound the memo starts over.
 */
describe('remembered router decisions', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const app = new Koa();
    const probes = new Router();
    probes.get('/items/:id', (ctx) => {
      ctx.body = `item ${ctx.params.id}`;
    });
    const face = new Router();
    face.get('/face/:anything', (ctx) => {
      ctx.body = `face ${ctx.path}`;
    });
    const last = new Router();
    last.post('/only-post', (ctx) => {
      ctx.body = 'posted';
    });
    app.use(rememberedRoutes(probes, 'routed'));
    app.use(rememberedRoutes(face, 'kept'));
    app.use(last.routes());
    app.use(last.allowedMethods());
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${base}${path}`, init);
    return { status: res.status, text: await res.text(), allow: res.headers.get('allow') };
  };

  it('reads route parameters anew on a routed router, each time', async () => {
    assert.equal((await get('/items/1')).text, 'item 1');
    assert.equal((await get('/items/2')).text, 'item 2');
    assert.equal((await get('/items/1')).text, 'item 1');
  });

  it('passes a request on past routers with nothing at its path, also the second time', async () => {
    for (let i = 0; i < 2; i++) {
      assert.equal((await get('/face/x')).text, 'face /face/x');
      assert.equal((await get('/only-post', { method: 'POST' })).text, 'posted');
    }
  });

  it("leaves a later router's 405 intact", async () => {
    for (let i = 0; i < 2; i++) {
      const wrong = await get('/only-post');
      assert.equal(wrong.status, 405);
      assert.equal(wrong.allow, 'POST');
    }
  });

  it('answers the same past its bound of remembered paths', async () => {
    for (let i = 0; i < 300; i++) assert.equal((await get(`/items/${i}`)).text, `item ${i}`);
    assert.equal((await get('/face/after')).text, 'face /face/after');
    assert.equal((await get('/nowhere')).status, 404);
  });
});
