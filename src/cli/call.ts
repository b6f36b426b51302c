import { parseArgs } from 'node:util';
import { operationNames, operations, type OperationName } from '../contract/index.js';
import { CallError, restCall, soapCall, type Request } from './mcc-client.js';

/** `mcc-bridge call`: one MCC operation against any MCC server, its result printed as JSON. */
export const EXIT = { success: 0, failed: 1, usage: 2, refused: 3, unreachable: 4 } as const;

export const CALL_USAGE = `usage: mcc-bridge call <operation> [field=value…] [options]

Runs one MCC operation against an MCC server (this bridge or a TVox) and prints its result as JSON.
<operation> is the SOAP name (${operationNames.join(', ')})
or the REST path's (e.g. checkSession). A repeated field repeats: serviceCodes=A serviceCodes=B.

options:
  --url URL           the server's base URL (env MCC_CALL_URL; default http://localhost:8080)
  --soap              call over SOAP, through a client built from the server's WSDL (default: REST/JSON)
  --user NAME         HTTP Basic user (env MCC_CALL_USER)
  --password PW       its password (env MCC_CALL_PASSWORD; the environment keeps it out of ps)
  --api-key KEY       sent as X-API-Key (env MCC_CALL_API_KEY)
  --ws-security       over SOAP, the calls carry user and password as a WS-Security
                      UsernameToken (PasswordDigest, nonce, created) and no HTTP credentials;
                      the WSDL is still fetched with HTTP Basic or the API key
  --timeout SECONDS   give up waiting after this long (default 30)
  -h, --help          this text

exit codes:
  0  the result is SUCCESS        3  the server refused the call: HTTP error status, SOAP Fault,
  1  the result is FAILED            or an answer that is not an MCC result (the reason on stderr)
  2  bad command line             4  no answer: connection refused, name not resolved, TLS, timeout
`;

class UsageError extends Error {}

function operation(name: string | undefined): OperationName {
  const op = operationNames.find((o) => o === name || operations[o].rest.path === `/${name}`);
  if (!op) throw new UsageError(name ? `unknown operation "${name}"` : 'which operation?');
  return op;
}

/** field=value words as the operation's request; unknown fields and repeats of single fields are refused. */
function request(op: OperationName, words: string[]): Request {
  const out: Request = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    const field = operations[op].request.find((f) => f.name === name);
    if (eq < 0 || !field) {
      throw new UsageError(`"${word}" is not field=value for ${op}, whose fields are ${operations[op].request.map((f) => f.name).join(', ')}`);
    }
    const value = word.slice(eq + 1);
    const seen = out[name];
    if ('repeated' in field && field.repeated) out[name] = [...((seen as string[] | undefined) ?? []), value];
    else if (seen !== undefined) throw new UsageError(`${name} is given twice`);
    else out[name] = value;
  }
  return out;
}

export async function call(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        soap: { type: 'boolean' },
        user: { type: 'string' },
        password: { type: 'string' },
        'api-key': { type: 'string' },
        'ws-security': { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(CALL_USAGE);
      return EXIT.success;
    }
    const [name, ...words] = positionals;
    const op = operation(name);
    const timeout = Number(values.timeout ?? 30);
    if (!(timeout > 0)) throw new UsageError('--timeout takes a number of seconds');
    const url = values.url ?? env.MCC_CALL_URL ?? 'http://localhost:8080';
    if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--url takes an http(s) URL`);
    const username = values.user ?? env.MCC_CALL_USER;
    if (values['ws-security'] && (!values.soap || username === undefined)) throw new UsageError('--ws-security goes with --soap and a user');
    const options = {
      url,
      timeoutMs: timeout * 1000,
      credentials: {
        username,
        password: values.password ?? env.MCC_CALL_PASSWORD,
        apiKey: values['api-key'] ?? env.MCC_CALL_API_KEY,
        wsSecurity: values['ws-security'],
      },
    };
    const result = await (values.soap ? soapCall : restCall)(op, request(op, words), options);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.result === 'SUCCESS' ? EXIT.success : EXIT.failed;
  } catch (e) {
    if (e instanceof CallError) {
      process.stderr.write(`mcc-bridge call: ${e.kind}: ${e.message}\n`);
      return EXIT[e.kind];
    }
    // parseArgs throws TypeErrors with an ERR_PARSE_ARGS_* code for an unknown or malformed option.
    const usage = e instanceof UsageError || String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (!usage) throw e;
    process.stderr.write(`mcc-bridge call: ${(e as Error).message}\n\n${CALL_USAGE}`);
    return EXIT.usage;
  }
}
