import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V8_FLAGS } from '../src/cli/v8-flags.js';
import { spawnBridge, writeConfig } from './support/process.js';

/**
 * The bridge ships with V8 heap flags (src/cli/v8-flags.ts). They are written out where a launch
 * cannot import them, the CLI's shebang and `npm start`; these hold both to the one list, and run
 * the shebang's command line as the kernel runs it.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtCli = join(root, 'dist', 'src', 'cli.js');
const firstLine = (file: string) => readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';

/** A shebang as exec(2) takes it: the interpreter, then the rest of the line as one argument. */
function shebang(file: string): [string, string] {
  const m = /^#!(\S+) (.+)$/.exec(firstLine(file));
  assert.ok(m, `${file} starts with no shebang`);
  return [m[1] as string, m[2] as string];
}

describe('the V8 flags the bridge is launched with', () => {
  it('are the ones in the CLI shebang, as source and as built', () => {
    assert.ok(V8_FLAGS.length > 0);
    const expected = `#!/usr/bin/env -S node ${V8_FLAGS.join(' ')}`;
    assert.equal(firstLine(join(root, 'src', 'cli.ts')), expected);
    assert.equal(firstLine(builtCli), expected, 'the compiler kept the shebang');
  });

  it('are the ones `npm start` runs the CLI with', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(scripts.start ?? '', new RegExp(`&& node ${V8_FLAGS.join(' ')} dist/src/cli\\.js serve `));
  });

  it('reach node when the CLI is run through its shebang', () => {
    const [interpreter, argument] = shebang(builtCli);
    const dir = mkdtempSync(join(tmpdir(), 'mcc-launch-'));
    try {
      const probe = join(dir, 'probe.mjs');
      writeFileSync(probe, 'console.log(JSON.stringify(process.execArgv));\n');
      const launched = spawnSync(interpreter, [argument, probe], { encoding: 'utf8' });
      assert.equal(launched.status, 0, launched.stderr);
      assert.deepEqual(JSON.parse(launched.stdout), V8_FLAGS);
      // And the CLI itself starts under them (node refuses an unknown flag before running anything).
      const help = spawnSync(interpreter, [argument, builtCli, '--help'], { encoding: 'utf8' });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /^usage: mcc-bridge/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** `serve`'s log up to its listening line, started with these node flags and NODE_OPTIONS. */
  async function serveLog(flags: readonly string[], nodeOptions = ''): Promise<Array<Record<string, unknown>>> {
    const dataDir = mkdtempSync(join(tmpdir(), 'mcc-launch-data-'));
    // spawnBridge refuses a process that exits before it listens (node refusing a flag, say).
    const bridge = await spawnBridge(writeConfig({ store: { kind: 'sqlite', dataDir } }), { NODE_OPTIONS: nodeOptions }, flags);
    try {
      return bridge.startup
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    } finally {
      await bridge.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const warned = (lines: Array<Record<string, unknown>>) => lines.find((l) => l.level === 'warn' && /V8 heap flags/.test(String(l.message)));

  it('are missed out loud when the bridge is started without them', async () => {
    assert.deepEqual(warned(await serveLog([]))?.unset, V8_FLAGS);
    assert.equal(warned(await serveLog(V8_FLAGS)), undefined, 'started with the flags: no warning');
    // NODE_OPTIONS takes the semi-space flag but refuses --heap-growing-percent (node exits): one
    // there, the other on the command line, is started as shipped.
    const semiSpace = V8_FLAGS.filter((f) => f.startsWith('--max-semi-space-size='));
    const rest = V8_FLAGS.filter((f) => !semiSpace.includes(f));
    assert.equal(warned(await serveLog(rest, semiSpace.join(' '))), undefined, 'a flag in NODE_OPTIONS counts');
  });
});
