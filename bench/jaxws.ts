import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { DEFAULT_TARGET_NAMESPACE } from '../src/contract/index.js';
import { renderWsdl } from '../src/faces/mcc/wsdl.js';
import { CHECK_RESULT } from './fixture.js';

/**
 * The JAX-WS RI anchor: wsimport of the bridge's served WSDL, the SEI implemented by
 * bench/jaxws/MccAnchor.java (checkSessionState answers CHECK_RESULT), served by the JDK's
 * HttpServer with a fixed pool of 8 and TCP_NODELAY. Built once per WSDL and anchor source (cached
 * in .bench/jaxws/<hash>); needs Debian's jaxws package (its runtime jar brings JAXB and SAAJ).
 */
const run = promisify(execFile);
const JAXWS_RT = '/usr/share/java/jaxws-rt.jar';

export type JaxwsBuild = { classpath: string } | { skip: string };

async function missingTool(): Promise<string | undefined> {
  for (const tool of ['java', 'javac', 'wsimport']) {
    try {
      await run(tool, ['-version']);
    } catch {
      return `no working ${tool} on PATH`;
    }
  }
  return existsSync(JAXWS_RT) ? undefined : `no ${JAXWS_RT} (Debian's jaxws package)`;
}

/** Compile the anchor, or say why it cannot be. `sourceDir` holds MccAnchor.java, `cacheDir` is .bench/. */
export async function buildJaxws(sourceDir: string, cacheDir: string): Promise<JaxwsBuild> {
  const missing = await missingTool();
  if (missing) return { skip: missing };
  // The address is not part of what wsimport generates from; a fixed one keeps the cache key stable.
  const wsdl = renderWsdl({ targetNamespace: DEFAULT_TARGET_NAMESPACE, address: 'http://127.0.0.1/mc/cxf/soap' });
  const anchor = readFileSync(join(sourceDir, 'MccAnchor.java'), 'utf8');
  const key = createHash('sha256').update(wsdl).update(anchor).digest('hex').slice(0, 16);
  const dir = join(cacheDir, 'jaxws', key);
  const classes = join(dir, 'classes');
  const classpath = `${classes}:${JAXWS_RT}`;
  if (existsSync(join(classes, 'MccAnchor.class'))) return { classpath };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'mcc.wsdl'), wsdl);
  try {
    await run('wsimport', ['-quiet', '-Xnocompile', '-s', join(dir, 'src'), '-p', 'mcc.server', join(dir, 'mcc.wsdl')]);
    const stubs = readdirSync(join(dir, 'src', 'mcc', 'server')).map((f) => join(dir, 'src', 'mcc', 'server', f));
    await run('javac', ['-nowarn', '-encoding', 'UTF-8', '-cp', JAXWS_RT, '-d', classes, ...stubs, join(sourceDir, 'MccAnchor.java')]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: string; message: string };
    return { skip: `the build failed: ${(err.stderr || err.message).trim().split('\n').slice(-3).join(' ')}` };
  }
  return { classpath };
}

/** Start the anchor (on `core` when pinning); resolves once it listens. */
export function startJaxws(classpath: string, core: number | undefined): Promise<{ child: ChildProcess; url: string }> {
  const java = [
    'java',
    '-Dsun.net.httpserver.nodelay=true',
    '-cp',
    classpath,
    'MccAnchor',
    CHECK_RESULT.result,
    CHECK_RESULT.sessionId,
    CHECK_RESULT.status,
    CHECK_RESULT.customMessage,
  ];
  const [file, ...args] = core === undefined ? java : ['taskset', '-c', String(core), ...java];
  // stderr: the RI's start-up warnings (SAAJ factory lookup, no gmbal monitoring) are expected and not shown.
  const child = spawn(file as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors = (errors + d.toString()).slice(-2000)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the JAX-WS anchor did not start in 30 s: ${errors}`)), 30_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const port = /^listening (\d+)$/.exec(line)?.[1];
      if (port) ok({ child, url: `http://127.0.0.1:${port}` });
      else fail(new Error(`the JAX-WS anchor said ${line}`));
    });
    child.once('exit', (code) => fail(new Error(`the JAX-WS anchor exited with ${code}: ${errors}`)));
  });
}
