#!/usr/bin/env node
// Fails on an import cycle in src/: between two files, or between two top-level parts of src/ (a folder such
// as proxy/, or a file at the root such as config.ts). A cycle between parts is how layering rots first:
// every file may still be acyclic while scorer/ needs proxy/ and proxy/ needs scorer/.
// Imports are read with TypeScript's own pre-processor (type-only imports count: they still couple the parts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The project root: this file's parent, or the folder given (the tests run it on made-up trees).
const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const src = join(root, 'src');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

const name = (file) => relative(root, file).split(sep).join('/');
const partOf = (file) => {
  const rel = relative(src, file).split(sep);
  return rel.length > 1 ? `${rel[0]}/` : rel[0];
};

/** file → the files it imports, each with the line of the import. */
const graph = new Map();
for (const file of sources(src)) {
  const text = readFileSync(file, 'utf8');
  const deps = new Map();
  for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
    const target = resolveImport(file, ref.fileName);
    if (target && target !== file && !deps.has(target)) deps.set(target, text.slice(0, ref.pos).split('\n').length);
  }
  graph.set(file, deps);
}

/** Strongly connected components with more than one node (Tarjan). */
function cycles(nodes, next) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const found = [];
  const visit = (v) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

const fileCycles = cycles(graph.keys(), (f) => graph.get(f).keys());

/** part → part → the imports that make the edge, for a message that says which line to change. */
const partEdges = new Map();
for (const [file, deps] of graph) {
  const a = partOf(file);
  for (const [dep, line] of deps) {
    const b = partOf(dep);
    if (a === b) continue;
    if (!partEdges.has(a)) partEdges.set(a, new Map());
    const to = partEdges.get(a);
    if (!to.has(b)) to.set(b, []);
    to.get(b).push(`${name(file)}:${line} → ${name(dep)}`);
  }
}
const partCycles = cycles(partEdges.keys(), (p) => partEdges.get(p)?.keys() ?? []);

for (const c of fileCycles) {
  console.error(`file cycle: ${c.map(name).join(' ↔ ')}`);
  for (const f of c)
    for (const [dep, line] of graph.get(f)) if (c.includes(dep)) console.error(`  ${name(f)}:${line} → ${name(dep)}`);
}
for (const c of partCycles) {
  console.error(`part cycle: ${c.join(' ↔ ')}`);
  for (const a of c)
    for (const [b, imports] of partEdges.get(a) ?? [])
      if (c.includes(b)) for (const i of imports) console.error(`  ${i}`);
}
const total = fileCycles.length + partCycles.length;
console.log(
  `check-cycles: ${graph.size} files, ${partEdges.size} parts: ${fileCycles.length} file cycles, ${partCycles.length} part cycles`,
);
process.exit(total ? 1 : 0);
