import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Doc = Record<string, unknown>;

/** The mapping under `name`, created when absent (an override may name a section the file leaves out). */
function section(c: Doc, name: string): Doc {
  const s = c[name];
  if (typeof s === 'object' && s !== null && !Array.isArray(s)) return s as Doc;
  const fresh: Doc = {};
  c[name] = fresh;
  return fresh;
}

/** Environment variables that override the file (containers set these rather than edit files). */
const envOverrides: Array<[string, (c: Doc, v: string) => void]> = [
  ['MCC_PORT', (c, v) => (section(c, 'server').port = /^\d+$/.test(v) ? Number(v) : v)],
  ['MCC_HOST', (c, v) => (section(c, 'server').host = v)],
  ['MCC_PUBLIC_URL', (c, v) => (section(c, 'server').publicUrl = v)],
  ['MCC_LOG_LEVEL', (c, v) => (section(c, 'logging').level = v)],
  ['MCC_LOG_FILE', (c, v) => (section(c, 'logging').file = v)],
  ['MCC_DATA_DIR', (c, v) => (c.store = { ...section(c, 'store'), kind: 'sqlite', dataDir: v })],
  [
    'MCC_DATABASE_URL',
    (c, v) => {
      const { poolSize } = section(c, 'store');
      c.store = { kind: 'postgres', url: v, ...(poolSize ? { poolSize } : {}) };
    },
  ],
];

function keyPath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

/** Validate an already-parsed document (file contents plus env overrides). */
export function parseConfig(doc: unknown, source = 'configuration', env: NodeJS.ProcessEnv = {}): Config {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(source, ['the document must be a mapping of keys (server, contract, logging, backend, embedded)']);
  }
  const raw = structuredClone(doc) as Doc;
  for (const [name, apply] of envOverrides) {
    const v = env[name];
    if (v !== undefined && v !== '') apply(raw, v);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((i) => `${keyPath(i.path) || '(top level)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

/** Read a YAML or JSON file (YAML is a superset of JSON) and validate it. */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  if (!file) return parseConfig({}, 'defaults', env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(file, [`not valid YAML/JSON: ${(e as Error).message}`]);
  }
  return parseConfig(doc ?? {}, file, env);
}

export type { Config };
