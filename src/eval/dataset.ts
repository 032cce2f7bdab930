/**
 * Evaluation problems from JSONL: the built-in names (math500, aime24) or any file whose lines carry a
 * problem text and a reference answer under one of the usual field names. A row with `choices` (or
 * `options`) is multiple choice, MMLU/GPQA style: the options are listed under the question as `A. …`, and
 * the answer is their letter (given as a letter, `(B)`, a 0-based index as MMLU has it, or the option's text).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHOICE_LETTERS } from '../core/choice-answer';
import { jsonlRows } from '../core/jsonl';

export interface EvalProblem {
  /** Stable id, used for resume and for seeding subsamples. */
  id: string;
  problem: string;
  answer: string;
  /** Multiple choice: the options, lettered from A in the problem text; `answer` is a letter. */
  choices?: string[];
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
    const choices = choicesOf(row, source, line);
    let id = pick(row, ID_FIELDS) ?? `line-${line}`;
    if (seen.has(id)) id = `${id}#${line}`;
    seen.add(id);
    if (choices) problems.push({ id, ...multipleChoice(problem, answer, choices, `${source}:${line}`), choices });
    else problems.push({ id, problem, answer });
  }
  return problems;
}

function choicesOf(row: Record<string, unknown>, source: string, line: number): string[] | undefined {
  const list = row.choices ?? row.options;
  if (list === undefined) return undefined;
  if (
    !Array.isArray(list) ||
    list.length < 2 ||
    list.length > CHOICE_LETTERS.length ||
    !list.every((c) => typeof c === 'string')
  )
    throw new Error(`${source}:${line}: choices must be 2 to ${CHOICE_LETTERS.length} strings`);
  return list as string[];
}

/** The problem with its options listed, and the answer as a letter. */
function multipleChoice(
  question: string,
  answer: string,
  choices: readonly string[],
  where: string,
): { problem: string; answer: string } {
  const letters = CHOICE_LETTERS.slice(0, choices.length);
  const listed = choices.map((c, i) => `${letters[i]}. ${c.trim()}`).join('\n');
  const a = answer.trim();
  const letter =
    /^\(?([A-J])\)?$/.exec(a)?.[1] ??
    (/^\d+$/.test(a) ? letters[Number(a)] : undefined) ??
    letters[choices.findIndex((c) => c.trim() === a)];
  if (letter === undefined || !letters.includes(letter))
    throw new Error(
      `${where}: answer ${JSON.stringify(answer)} is not a letter, index or text of the ${choices.length} choices`,
    );
  return { problem: `${question.trim()}\n\n${listed}`, answer: letter };
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
