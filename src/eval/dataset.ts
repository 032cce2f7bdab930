/**
 * Evaluation problems from JSONL: the built-in names (math500, aime24) or any file whose lines carry a
 * problem text and a reference answer under one of the usual field names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonlRows } from '../core/jsonl';

export interface EvalProblem {
  /** Stable id, used for resume and for seeding subsamples. */
  id: string;
  problem: string;
  answer: string;
}

export const BUILTIN_DATASETS = ['math500', 'aime24'] as const;

// MATH-500 uses problem/answer/unique_id, AIME'24 problem/answer/id, the Qwen2.5-Math pools question/gt/idx.
const PROBLEM_FIELDS = ['problem', 'question', 'prompt'] as const;
const ANSWER_FIELDS = ['answer', 'gt', 'ground_truth', 'expected_answer'] as const;
const ID_FIELDS = ['unique_id', 'id', 'idx'] as const;

function pick(row: Record<string, unknown>, fields: readonly string[]): string | undefined {
  for (const f of fields) {
    const v = row[f];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/** Parses JSONL text; `source` names the file in error messages. Lines without a problem or answer are an error. */
export function parseProblems(text: string, source: string): EvalProblem[] {
  const problems: EvalProblem[] = [];
  const seen = new Set<string>();
  for (const { row, line } of jsonlRows(text, source)) {
    const problem = pick(row, PROBLEM_FIELDS);
    const answer = pick(row, ANSWER_FIELDS);
    if (problem === undefined || answer === undefined)
      throw new Error(
        `${source}:${line}: needs a problem (${PROBLEM_FIELDS.join('|')}) and an answer (${ANSWER_FIELDS.join('|')})`,
      );
    let id = pick(row, ID_FIELDS) ?? `line-${line}`;
    if (seen.has(id)) id = `${id}#${line}`;
    seen.add(id);
    problems.push({ id, problem, answer });
  }
  return problems;
}

/** The package's own data/ (MATH-500, AIME24 ship there), found from this file so any working directory works. */
function packageDataDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'data');
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Where a built-in name is looked for: --data-dir, $BESTOFN_DATA_DIR, ./data, then the data/ this package
 * ships (MATH-500 and AIME24, data/README.md). Anything else is a path to a JSONL file.
 */
export function resolveDataset(
  name: string,
  dataDir: string | undefined,
  env: Record<string, string | undefined>,
): string {
  if (!(BUILTIN_DATASETS as readonly string[]).includes(name)) return path.resolve(name);
  const dirs = [dataDir, env.BESTOFN_DATA_DIR, 'data', packageDataDir()].filter((d): d is string => !!d);
  for (const dir of dirs) {
    const file = path.resolve(dir, `${name}.jsonl`);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`dataset '${name}' not found in ${dirs.join(', ')} (set --data-dir)`);
}

export function loadProblems(file: string): EvalProblem[] {
  return parseProblems(fs.readFileSync(file, 'utf8'), file);
}
