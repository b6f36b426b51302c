/**
 * Drivers that speak to the CC-Gateway face the way Huawei's two public agent clients do, written
 * from their sources (nothing of theirs copied):
 *
 * - JavaDemo: Huawei/CloudIPCC_AgentServerDemo_Java. Request.java sends `Content-Type:
 *   application/json;charset=UTF-8` and a lower-case `guid` header on every call, reads a body only
 *   on HTTP 200, and takes the Guid from Set-GUID of the forcelogin answer only (dealGuid), never
 *   again. OnlineAgentService: forcelogin (autoenteridle false, status 4, releasephone true), then
 *   resetskill/true; GetEventThread polls agentevent and pauses 500 ms after an empty answer.
 *   VoiceCallService.answer sends no callid; QueryCallDataService reads calldata/appdata and writes
 *   calldata/setcalldataex.
 * - BrowserConsole: MoonShadowFei/HWCallCenter (Huawei's browser agent console). Its REST client
 *   (HWCallCenter/Scripts/new_agent_resource.js) joins a base URL ending in '/' with paths starting
 *   with '/', sends `text/plain` on calls without a body, parses a body as JSON only when the
 *   Content-Type is exactly `application/json` (else hands the text on), and adopts the Guid of every
 *   Set-GUID it sees (`split("=")[1]`), sent back as `Guid`. agentLogin.js: login, then resetskill
 *   true, then polling; eventProcess.js asks callinfobycallid on each AgentEvent_Ringing, answers
 *   with only the agent id, and reads `content.callid` of AgentEvent_Call_Release.
 */

export interface Answer {
  status: number;
  contentType: string | null;
  setGuid: string | null;
  /** The body as the client reads it: an object, or the text when it would not parse it. */
  entity: any;
}

async function send(url: string, init: RequestInit, parseWhen: (contentType: string | null, status: number) => boolean): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  return { status: res.status, contentType, setGuid: res.headers.get('set-guid'), entity: parseWhen(contentType, res.status) ? JSON.parse(text) : text };
}

export class JavaDemo {
  guid = '';
  private readonly prefix: string;

  constructor(
    base: string,
    readonly workNo: number,
  ) {
    // ServiceUtil.serviceInit: "http://ip:port/agentgateway/resource/" and "onlineagent/" + workNo …
    this.prefix = `${base}/agentgateway/resource/`;
  }

  private call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Answer> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json;charset=UTF-8' };
    if (!path.includes('forcelogin') && this.guid) headers.guid = this.guid;
    return send(
      `${this.prefix}${path}`,
      { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) },
      (_t, status) => status === 200,
    );
  }

  async forceLogin(password: string, phonenum: string, autoanswer: boolean): Promise<Answer> {
    const a = await this.call('PUT', `onlineagent/${this.workNo}/forcelogin`, {
      password,
      phonenum,
      autoanswer,
      autoenteridle: false,
      agenttype: 4,
      status: 4,
      releasephone: true,
    });
    if (a.setGuid) this.guid = a.setGuid.replace('JSESSIONID=', '');
    return a;
  }

  resetSkills = () => this.call('POST', `onlineagent/${this.workNo}/resetskill/true`);
  poll = (signal?: AbortSignal) => this.call('GET', `agentevent/${this.workNo}`, undefined, signal);
  answer = () => this.call('PUT', `voicecall/${this.workNo}/answer`);
  release = () => this.call('DELETE', `voicecall/${this.workNo}/release`);
  appData = () => this.call('GET', `calldata/${this.workNo}/appdata`);
  setCallData = (callid: string, calldata: string) => this.call('PUT', `calldata/${this.workNo}/setcalldataex`, { callid, calldata });
  sayBusy = () => this.call('POST', `onlineagent/${this.workNo}/saybusy`);
  logout = () => this.call('DELETE', `onlineagent/${this.workNo}/logout`);

  /** GetEventThread: the events of polls until one answers none. */
  async drain(): Promise<any[]> {
    const events = [];
    for (;;) {
      const a = await this.poll();
      if (a.entity?.retcode !== '0' || !a.entity.event) return events;
      events.push(a.entity.event);
    }
  }
}

export class BrowserConsole {
  /** `cookiestring`: the Guid of the last Set-GUID seen. */
  guid = '';
  private readonly apiUrl: string;

  constructor(
    base: string,
    readonly agentId: number,
  ) {
    this.apiUrl = `${base}/agentgateway/resource/`;
  }

  private async call(method: string, path: string, entity?: unknown, signal?: AbortSignal): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': entity !== undefined ? 'application/json' : 'text/plain' };
    if (this.guid) headers.Guid = this.guid;
    // REST._isJSONMIME: "application/json" exactly, or application/…+json.
    const a = await send(
      `${this.apiUrl}${path}`,
      { method, headers, ...(entity !== undefined ? { body: JSON.stringify(entity) } : {}), ...(signal ? { signal } : {}) },
      (type, status) => status >= 200 && status < 300 && type === 'application/json',
    );
    if (a.setGuid) this.guid = a.setGuid.split('=')[1] ?? '';
    return a;
  }

  login = (password: string, phonenum: string) =>
    this.call('PUT', `/onlineagent/${this.agentId}`, { password, phonenum, status: 4, releasephone: false, agenttype: 4 });
  resetSkill = () => this.call('POST', `/onlineagent/${this.agentId}/resetskill/true`);
  /** OnlineAgent.setAgentAutoAnswer: the login body sends no autoanswer, so the gateway's default (true) holds until this. */
  setAutoAnswer = (on: boolean) => this.call('POST', `/onlineagent/${this.agentId}/autoanswer/${on}`);
  poll = (signal?: AbortSignal) => this.call('GET', `/agentevent/${this.agentId}`, undefined, signal);
  callInfo = (callid: string) => this.call('GET', `/calldata/${this.agentId}/callinfobycallid/${encodeURIComponent(callid)}`);
  answer = () => this.call('PUT', `/voicecall/${this.agentId}/answer`);
  release = () => this.call('DELETE', `/voicecall/${this.agentId}/release`);
  logout = () => this.call('DELETE', `/onlineagent/${this.agentId}/logout`);

  /** getEventLisnter: an event is handled only when the entity is an object with retcode "0" and an event. */
  async drain(): Promise<any[]> {
    const events = [];
    for (;;) {
      const a = await this.poll();
      if (typeof a.entity !== 'object' || a.entity.retcode !== '0' || !a.entity.event) return events;
      events.push(a.entity.event);
    }
  }
}
