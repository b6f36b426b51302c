#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=50
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { call } from './cli/call.js';
import { V8_FLAGS } from './cli/v8-flags.js';
import { ConfigError, loadConfig } from './config/index.js';
import { writeContractFiles } from './faces/mcc/contract-files.js';

const USAGE = `usage: mcc-bridge <command> [options]

commands:
  serve          start the bridge (SOAP at /mc/cxf/soap, REST at /mc/cxf/rest/json);
                 SIGHUP reloads channels, services, agents and webhooks; SIGTERM drains and stops
  check-config   validate a configuration file and exit
  generate       rewrite wsdl/mcc.wsdl and wadl/mcc.wadl from the contract (default namespace)
  call OP k=v…   run one MCC operation against an MCC server, print its result as JSON
                 (\`mcc-bridge call --help\` for its options and exit codes)

options:
  -c, --config FILE   configuration file, YAML or JSON (env MCC_CONFIG)
  -p, --port N        listen port (env MCC_PORT; default 8080)
  -h, --help          this text
`;

async function main(argv: string[]): Promise<number> {
  // A client of any MCC server, with options of its own.
  if (argv[0] === 'call') return call(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const env = { ...process.env, ...(values.port ? { MCC_PORT: values.port } : {}) };
  const file = values.config ?? process.env.MCC_CONFIG;

  switch (command) {
    case 'check-config': {
      const config = loadConfig(file, env);
      const services = config.embedded.channels.reduce((n, c) => n + c.services.length, 0);
      process.stdout.write(
        `configuration OK (${file ?? 'defaults'}): port ${config.server.port}, backend ${config.backend.kind}, ` +
          `${config.embedded.channels.length} channels, ${services} services, ${config.embedded.agents.length} agents\n`,
      );
      return 0;
    }
    case 'serve': {
      const config = loadConfig(file, env);
      // Loaded here: the server's module graph is most of a start-up that `call` does not need.
      const [{ startBridge }, { createLogger }] = await Promise.all([import('./server.js'), import('./log/logger.js')]);
      const logger = createLogger(config.logging);
      // Started another way than the shebang or `npm start` (a unit file, a container's CMD): say so
      // before anything else, as the RSS will be what README *Memory* says of a bridge without them.
      const unset = V8_FLAGS.filter((f) => !process.execArgv.includes(f) && !(process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(f));
      if (unset.length > 0) logger.warn('started without the V8 heap flags the bridge ships with: with many sessions its RSS grows higher', { unset });
      const bridge = await startBridge(config, { logger });
      const stop = (signal: string) => {
        bridge.logger.info('stopping', { signal, graceSeconds: config.server.shutdownGraceSeconds });
        // Exit by letting the event loop drain, so the asynchronous log stream is flushed; a
        // connection that will not close does not keep the process past the grace period.
        setTimeout(() => process.exit(1), (config.server.shutdownGraceSeconds + 5) * 1000).unref();
        bridge.close().catch((e: unknown) => {
          bridge.logger.error('stop failed', { error: e });
          process.exitCode = 1;
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      // SIGHUP: read the file again and apply its channels, services and agents; a file that does
      // not validate changes nothing (the log says why).
      process.on('SIGHUP', () => {
        try {
          const next = loadConfig(file, env);
          bridge.reload(next).then(
            () => bridge.logger.info('configuration reloaded', { file }),
            (e: unknown) => bridge.logger.error('configuration reload failed', { file, error: e }),
          );
        } catch (e) {
          bridge.logger.error('configuration reload refused', { file, error: (e as Error).message });
        }
      });
      return -1; // keep running
    }
    case 'generate': {
      const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
      for (const f of writeContractFiles(root)) process.stdout.write(`wrote ${f}\n`);
      return 0;
    }
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `mcc-bridge: ${(e as Error).message}\n`);
    process.exitCode = e instanceof ConfigError ? 1 : 2;
  },
);
