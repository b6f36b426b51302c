import { cpus } from 'node:os';
import type { Measured } from './load.js';

/** The bench's judgement of issue 14's targets, printed as text or as a markdown table for the README. */

/** One target of the issue on one row: a ratio to another row, a p99 bound, a memory bound. */
export interface Judgement {
  /** What is compared, e.g. "× node-soap", "p99", "RSS". */
  label: string;
  value: number;
  unit: '×' | 'ms' | 'MiB';
  /** `≥` for ratios, `<` or `≤` for bounds. */
  op: '≥' | '<' | '≤';
  target: number;
}

export interface Row {
  name: string;
  measured?: Measured;
  /** A value that is not a rate (RSS, added latency), shown in the ratio column. */
  note?: string;
  judgements: Judgement[];
}

export const passes = (j: Judgement) => (j.op === '≥' ? j.value >= j.target : j.op === '≤' ? j.value <= j.target : j.value < j.target);
const number = (v: number, unit: Judgement['unit']) => (unit === '×' ? v.toFixed(2) : unit === 'ms' ? String(Math.round(v * 1000) / 1000) : v.toFixed(0));
const show = (j: Judgement) => (j.unit === '×' ? `${number(j.value, j.unit)}${j.label}` : `${j.label} ${number(j.value, j.unit)} ${j.unit}`);
const verdict = (j: Judgement) =>
  `${passes(j) ? 'PASS' : 'BELOW'} (${j.unit === '×' ? `≥ ${j.target}${j.label}` : `${j.label} ${j.op} ${j.target} ${j.unit}`})`;

export const machine = () => `${cpus().length} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`;

export function measuredLine(name: string, m: Measured): string {
  return `${name.padEnd(44)} ${m.rps.toFixed(0).padStart(8)} req/s   p50 ${String(m.p50).padStart(4)} ms   p99 ${String(m.p99).padStart(4)} ms`;
}

/** The targets, one line each, after the run. */
export function verdictLines(rows: readonly Row[]): string[] {
  return rows.flatMap((r) => r.judgements.map((j) => `${r.name.padEnd(44)} ${show(j).padStart(22)}   ${verdict(j)}`));
}

/** Every row as markdown: target, req/s, p50, p99, ratio, verdict; the machine above it. */
export function markdown(rows: readonly Row[], header: string): string {
  const lines = [`${header}.`, '', '| target | req/s | p50 | p99 | ratio | verdict |', '| --- | ---: | ---: | ---: | --- | --- |'];
  for (const r of rows) {
    const m = r.measured;
    const ratios = r.judgements.filter((j) => j.unit === '×').map(show);
    const cells = [
      r.name,
      m ? Math.round(m.rps).toLocaleString('en-US') : '',
      m ? `${m.p50} ms` : '',
      m ? `${m.p99} ms` : '',
      // A row that is not a rate (RSS, added latency) shows its value here.
      [...ratios, ...(r.note ? [r.note] : [])].join(', '),
      r.judgements.map(verdict).join(', '),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
