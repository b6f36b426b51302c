import type { RouterContext } from '@koa/router';
import type { AgentSession } from '../../backends/agent-desk.js';
import type { AgentConfig } from '../../config/index.js';
import { huaweiRetcodeMessages, huaweiRetcodes, type Failure, type HuaweiRetcode, type Outcome, type Reason } from '../../reasons/index.js';
import { refuse } from '../agents/refusal.js';
import type { FaceState } from '../http.js';

/** The CC-Gateway's wire: `{message, retcode, result}` answers, the Guid header, its parameter forms (huawei.md). */

export type Body = Record<string, unknown>;

export interface HuaweiState extends FaceState {
  /** Set by the Guid check (auth.ts) on the routes that need a signed-in agent. */
  agent: AgentConfig;
  session: AgentSession;
  /** The retcodes failures are answered with: sign-in has its own (huawei.md §2.1). */
  retcodes?: Record<Reason, HuaweiRetcode>;
}

export type HuaweiContext = RouterContext<HuaweiState>;

/** A CC-Gateway event as polled: `{eventType, workNo, content}` (huawei.md §4, §5). */
export interface HuaweiEvent {
  eventType: string;
  workNo: string;
  content: unknown;
  eventGenTime: number;
}

const SERVER_NAME = 'AgentGateway0';

/** The MCC's chat channel (LiveHelp) is the gateway's text media (mediaAbility 5, WebM); the others are voice (1). */
export const isTextChannel = (channelId: number) => channelId === 1003;

/** The Guid header: the part after "JSESSIONID=" if present, without the ".AgentGatewayN" node suffix. */
export const tokenOf = (guid: string) => guid.replace(/^JSESSIONID=/i, '').split('.')[0] ?? '';

/** The Set-GUID header handing a session's token to the client. */
export const setGuid = (ctx: HuaweiContext, token: string) => ctx.set('Set-GUID', `JSESSIONID=${token}.${SERVER_NAME}`);

export function answer(ctx: HuaweiContext, retcode: HuaweiRetcode | '0', extra: Body = {}, message?: string, status = 200): void {
  ctx.status = status; // business errors travel in retcode with HTTP 200 (huawei.md §1.1)
  ctx.body = { message: message ?? (retcode === '0' ? 'success' : huaweiRetcodeMessages[retcode]), retcode, ...extra };
  // Exactly `application/json`, no charset: Huawei's browser agent console parses a body as JSON only
  // when the Content-Type equals that string (REST._isJSONMIME in MoonShadowFei/HWCallCenter
  // HWCallCenter/Scripts/new_agent_resource.js); with Koa's "; charset=utf-8" it sees text and never
  // reads an event.
  ctx.set('Content-Type', 'application/json');
  ctx.state.result = retcode === '0' ? 'SUCCESS' : 'FAILED';
}

/** A refusal the gateway answers with its own retcode rather than a shared reason's (sign-in's 100-012, 100-016, 110-016). */
export class RetcodeRefusal extends Error {
  constructor(
    readonly retcode: HuaweiRetcode,
    message: string,
  ) {
    super(message);
  }
}

export const refuseWith = (retcode: HuaweiRetcode, message: string): never => {
  throw new RetcodeRefusal(retcode, message);
};

export function failed(ctx: HuaweiContext, f: Failure): void {
  ctx.state.failReason = f.reason;
  answer(ctx, (ctx.state.retcodes ?? huaweiRetcodes)[f.reason], {}, f.message);
}

/** Success with an empty result, or the failure. */
export const done = (ctx: HuaweiContext, out: Outcome<unknown>) => (out.ok ? answer(ctx, '0', { result: {} }) : failed(ctx, out));

// ---- parameters: the docs send numbers and booleans as strings too ("status":"4", "releasephone":"false")

export function bool(body: Body, name: string, fallback: boolean): boolean {
  const v = body[name];
  if (v === undefined || v === null || v === '') return fallback;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return refuse('INVALID_PARAMETER', `${name} must be true or false`);
}

export function int(body: Body, name: string, allowed: readonly number[], fallback: number): number {
  const v = body[name];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return allowed.includes(n) ? n : refuse('INVALID_PARAMETER', `${name} must be one of ${allowed.join(', ')}`);
}

export function text(body: Body, name: string, max: number, required: boolean): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return required ? refuse('MISSING_PARAMETER', `${name} is required`) : undefined;
  if (typeof v !== 'string' && typeof v !== 'number') return refuse('INVALID_PARAMETER', `${name} must be a string`);
  const s = String(v);
  return s.length > max ? refuse('INVALID_PARAMETER', `${name} is longer than ${max} characters`) : s;
}

/** The agent id in the URL: a gateway work number, 101–59999. */
export function workNo(ctx: HuaweiContext): number {
  const raw = String(ctx.params.agentid ?? '');
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  return n >= 101 && n <= 59999 ? n : refuse('INVALID_PARAMETER', `agent id ${raw} is not in 101-59999`);
}
