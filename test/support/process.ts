import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { V8_FLAGS } from '../../src/cli/v8-flags.js';

/** A bridge as its own process (`mcc-bridge serve`), for tests that kill, restart or cluster it. */
const cli = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'src', 'cli.js');

export interface BridgeProcess {
  url: string;
  /** What the process wrote (stdout and stderr) up to its listening line. */
  startup: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string | null>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
}

export function writeConfig(doc: Record<string, unknown>, file = join(mkdtempSync(join(tmpdir(), 'mcc-proc-')), 'config.yaml')): string {
  writeFileSync(file, stringify({ server: { host: '127.0.0.1', port: 0 }, logging: { level: 'warn' }, ...doc }));
  return file;
}

/** Started as the bridge ships, with its V8 flags (src/cli/v8-flags.ts), unless `execArgv` says otherwise. */
export async function spawnBridge(configFile: string, env: Record<string, string> = {}, execArgv: readonly string[] = V8_FLAGS): Promise<BridgeProcess> {
  const child = spawn(process.execPath, [...execArgv, cli, 'serve', '-c', configFile], {
    env: { ...process.env, MCC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  const { url, startup } = await new Promise<{ url: string; startup: string }>((ok, fail) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m?.[1]) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        ok({ url: m[1], startup: out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d) => (out += d));
    void exited.then((code) => fail(new Error(`bridge exited (${code}) before listening: ${out}`)));
  });
  return {
    url,
    startup,
    child,
    exited,
    kill(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

/** GET an MCC REST operation; network failures (a killed bridge) come back as undefined. */
export async function mcc(url: string, path: string, params: Record<string, string>): Promise<Record<string, any> | undefined> {
  try {
    const res = await fetch(`${url}/mc/cxf/rest/json/${path}?${new URLSearchParams(params)}`);
    return (await res.json()) as Record<string, any>;
  } catch {
    return undefined;
  }
}

export async function mccPut(url: string, body: Record<string, string>): Promise<Record<string, any> | undefined> {
  try {
    const res = await fetch(`${url}/mc/cxf/rest/json/setSessionData`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, any>;
  } catch {
    return undefined;
  }
}
