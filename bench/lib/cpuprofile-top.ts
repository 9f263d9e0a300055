// The top functions of a V8 CPU profile (node --cpu-prof): self time, and total time (self plus
// everything called beneath it), as shares of the sampled time, with idle and GC shown apart.
// Run: npx tsx bench/lib/cpuprofile-top.ts <file.cpuprofile> [--top 30] [--filter text]
import fs from "node:fs";

type TNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type TProfile = { nodes: TNode[]; samples: number[]; timeDeltas: number[] };

const file = process.argv[2];
if (!file) throw new Error("usage: cpuprofile-top.ts <file.cpuprofile> [--top N] [--filter text]");
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const top = Number(flag("top") ?? 30);
const filter = flag("filter");

const profile = JSON.parse(fs.readFileSync(file, "utf8")) as TProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// time per node: each sample's delta goes to the node it hit
const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});

const label = (n: TNode) => {
  const where = n.callFrame.url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "~");
  const short = where.replace(process.cwd() + "/", "");
  return `${n.callFrame.functionName || "(anonymous)"} ${short}:${n.callFrame.lineNumber + 1}`;
};

let total = 0;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, ms] of selfMs) {
  total += ms;
  const node = byId.get(id)!;
  const name = label(node);
  self.set(name, (self.get(name) ?? 0) + ms);
  // every distinct function on the stack gets the sample once (recursion counted once)
  const onStack = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
    onStack.add(label(byId.get(at)!));
  for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
}

const special = ["(idle)", "(garbage collector)", "(program)", "(root)"];
const idle = [...self].filter(([k]) => special.some((s) => k.startsWith(s)));
const busy = total - (idle.find(([k]) => k.startsWith("(idle)"))?.[1] ?? 0);
const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1).padStart(5)} %`;

console.log(`${file}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s not idle`);
for (const [k, ms] of idle) console.log(`  ${k.split(" ")[0]} ${(ms / 1000).toFixed(2)} s`);
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (% of the non-idle time)`);
  [...map]
    .filter(([k]) => !special.some((s) => k.startsWith(s)) && (!filter || k.includes(filter)))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, ms]) => console.log(`${pct(ms)}  ${k}`));
};
// --callers text: for the samples under a function matching text, the nearest frame of our own
// code (not node_modules, not node:) above it
const callersOf = flag("callers");
if (callersOf) {
  const callers = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    let at: number | undefined = id;
    let isUnder = false;
    for (; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!);
      if (!isUnder && name.includes(callersOf)) isUnder = true;
      else if (isUnder && /^\S+ (server|bench)\//.test(name)) break;
    }
    if (!isUnder) continue;
    const name = at === undefined ? "(none of ours)" : label(byId.get(at)!);
    callers.set(name, (callers.get(name) ?? 0) + ms);
  }
  show(`callers of ${callersOf}`, callers);
}
show("self time", self);
show("total time", inclusive);
