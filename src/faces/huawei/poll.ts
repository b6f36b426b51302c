import type { AgentSession } from '../../backends/agent-desk.js';
import { acknowledge, deliveryOf, withDelivery } from './delivery.js';
import { endGuid, gone, HUAWEI_FACE } from './auth.js';
import { huaweiEvent } from './events.js';
import type { HuaweiFace } from './index.js';
import { answer, failed, isTextChannel, setGuid, type HuaweiContext } from './wire.js';

/**
 * GET agentevent: the next event of the agent, waiting up to pollWaitMs for one (huawei.md §4).
 * What it hands out is consumed only by the next poll on the same Guid (delivery.ts); a poll whose
 * client has gone hands out nothing. Polling keeps the Guid alive and, once it is due, offers a
 * successor Guid in Set-GUID.
 *
 * Both of Huawei's clients poll again only after reading an answer: the Java agent demo's poll
 * thread (GetEventThread.run in Huawei/CloudIPCC_AgentServerDemo_Java
 * src/AgentServerDemo/src/com/huawei/agentdemo/service/GetEventThread.java) and the browser agent
 * console (getEventLisnter in MoonShadowFei/HWCallCenter page/js/eventHandle/eventHandle.js).
 */
export const pollEvent = (face: HuaweiFace) =>
  async function pollEvent(ctx: HuaweiContext) {
    const { engine } = face;
    const { agent } = ctx.state;
    const workno = String(agent.agentId);
    let { session, changed } = acknowledge(ctx.state.session);
    let left = false;
    // Each wait can be cut short: by the client leaving, or by a reload (re-armed every round).
    let interrupt = () => {};
    const wake = () => interrupt();
    // The client abandoning its poll closes the response before anything is written.
    const onClose = () => {
      left = true;
      interrupt();
    };
    ctx.res.once('close', onClose);
    face.heldPolls.add(wake);
    const save = async (s: AgentSession) => {
      const saved = await engine.sessions.save(s);
      changed = false;
      return saved;
    };
    try {
      const deadline = Date.now() + face.pollWaitMs;
      for (;;) {
        // The event feed (one store read for everyone) wakes this poll; it does not re-read on a timer.
        const wait = await face.feed.next(agent.username, Math.max(0, deadline - Date.now()));
        const found = await engine.agentEvents(agent.username, session.cursor, 20);
        if (!found.ok) {
          wait.cancel();
          return failed(ctx, found);
        }
        const delivery = deliveryOf(session);
        for (const e of found.value) {
          const event = await huaweiEvent(engine, workno, e, (channelId) => (isTextChannel(channelId) ? '5' : '1'), face.callReleaseContent);
          // Several channels report one agent: the same state twice in a row is said once.
          const said = event && e.sessionId === undefined ? `${event.eventType} ${JSON.stringify(event.content)}` : undefined;
          if (!event || (said !== undefined && said === delivery.said)) {
            // Nothing to say for it: passed over at once, it is never handed out.
            session = { ...session, cursor: e.id };
            changed = true;
            continue;
          }
          wait.cancel();
          if (left || ctx.req.socket.destroyed) break;
          session = await rotateIfDue(face, ctx, withDelivery(session, { ...delivery, pending: { to: e.id, said } }));
          const saved = await save(session);
          if (!saved.ok) return failed(ctx, saved);
          unhandIfUnread(face, ctx, session.token, e.id);
          return answer(ctx, '0', { event }, '');
        }
        if (changed) await save(session);
        if (left || ctx.req.socket.destroyed) {
          wait.cancel();
          return; // nobody is there to read an answer
        }
        if (Date.now() >= deadline || face.feed.closing) {
          wait.cancel();
          const rotated = await rotateIfDue(face, ctx, session);
          if (changed || rotated !== session) await save(rotated);
          return answer(ctx, '0', { event: null }, '');
        }
        await Promise.race([wait.woken, new Promise<void>((resolve) => (interrupt = resolve))]);
        wait.cancel();
        // A reload woke it: an agent no longer configured has no Guid any more.
        if (gone(face, session.username)) return failed(ctx, await endGuid(face, session));
      }
    } finally {
      face.heldPolls.delete(wake);
      ctx.res.off('close', onClose);
    }
  };

/**
 * Dynamic authentication (huawei.md §2.1): once the Guid is guidRotateMs old, the answer offers a
 * successor in Set-GUID, carrying the same delivery so whichever Guid polls next consumes it. The
 * Guid in use keeps working: Huawei's Java agent demo stores the Guid of its sign-in and never reads
 * Set-GUID again (Request.put calls dealGuid only for forcelogin, in Huawei/CloudIPCC_AgentServerDemo_Java
 * src/AgentServerDemo/src/com/huawei/demo/request/Request.java), while the browser console adopts
 * every Set-GUID (REST._complete in MoonShadowFei/HWCallCenter HWCallCenter/Scripts/new_agent_resource.js).
 * The Guid the client leaves lapses after keepAliveMs, without signing the agent out while the
 * other lives. A Guid offers a successor once per period, so a client keeping it sees one Set-GUID
 * every guidRotateMs, never a loop.
 */
async function rotateIfDue(face: HuaweiFace, ctx: HuaweiContext, session: AgentSession): Promise<AgentSession> {
  const delivery = deliveryOf(session);
  const now = face.engine.now();
  if (now - (delivery.rotatedAt ?? session.createdAt) < face.guidRotateMs) return session;
  const opened = await face.engine.sessions.open(session.username, HUAWEI_FACE, { ttlMs: face.keepAliveMs, logoutOnExpiry: true });
  if (!opened.ok) return session;
  const successor = withDelivery({ ...opened.value, cursor: session.cursor }, { ...delivery, rotatedAt: now });
  if (!(await face.engine.sessions.save(successor)).ok) return session;
  setGuid(ctx, successor.token);
  return withDelivery(session, { ...delivery, rotatedAt: now });
}

/** An answer that never reached its client (the socket closed before it was written) is handed out again. */
function unhandIfUnread(face: HuaweiFace, ctx: HuaweiContext, token: string, to: number): void {
  ctx.res.once('close', () => {
    if (ctx.res.writableFinished) return;
    void (async () => {
      const found = await face.engine.sessions.find(token, HUAWEI_FACE);
      if (!found.ok) return;
      const { pending, ...rest } = deliveryOf(found.value);
      if (pending?.to === to) await face.engine.sessions.save(withDelivery(found.value, rest));
    })();
  });
}
