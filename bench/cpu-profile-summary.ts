/**
 * `node bench/cpu-profile-summary.ts DIR [--top N]`: the top functions by self time of each V8 CPU profile in DIR
 * (written by `bench:load --cpu-prof DIR`), and the same time grouped by package (node internals, bullmq, ioredis,
 * zod, our packages…). One profile per process; the process is named by the app whose main.ts it ran.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '12' } } });
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: node bench/cpu-profile-summary.ts DIR [--top N]\n');
  process.exit(2);
}
const top = Number(values.top);

/** Which package a frame belongs to, from its script URL. */
function packageOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pnpm = /node_modules\/\.pnpm\/([^/]+)\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm?.[2]) return pnpm[2];
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ours?.[2]) return `@qtp/${ours[2]}`;
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

const short = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/.*\/(packages|apps)\//, '');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const app = profile.nodes.map((n) => /apps\/([a-z]+)\/src\/main\.ts/.exec(n.callFrame.url)?.[1]).find(Boolean) ?? file;
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n || n.callFrame.functionName === '(idle)') continue;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? `${short(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const pkg = packageOf(f.url, f.functionName);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  process.stdout.write(`\n${app}: ${(busy / 1e6).toFixed(1)} s on CPU of ${(total / 1e6).toFixed(1)} s profiled (${file})\n`);
  process.stdout.write('  by package: ');
  process.stdout.write(
    `${[...pkgs]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([p, us]) => `${p} ${pct(us).trim()}`)
      .join(', ')}\n`,
  );
  for (const [key, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(us)}  ${key}\n`);
}
