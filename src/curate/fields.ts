/**
 * Where a trace row keeps its problem, reasoning, response and source. Distillation sets disagree on
 * names, so each field has aliases tried in order, `--map field=name` overrides them, and a name may be a
 * dotted path (`response=generations.0`). Chat-shaped rows (`messages` / `conversations`, OpenAI or
 * ShareGPT turns) are read when no flat field is found.
 */
export type Field = 'problem' | 'reasoning' | 'response' | 'source';
export type FieldMap = Partial<Record<Field, string>>;

// Order matters. `answer` and `solution` are deliberately absent: MATH, NuminaMath and OpenR1-Math use them
// for the reference, and scoring the reference instead of the trace would go unnoticed; --map them.
export const ALIASES: Record<Field, readonly string[]> = {
  problem: ['problem', 'question', 'prompt', 'input', 'instruction', 'query'],
  reasoning: ['reasoning', 'reasoning_content', 'thinking', 'deepseek_reasoning', 'thought'],
  response: ['response', 'completion', 'output', 'deepseek_solution', 'generation'],
  source: ['source', 'data_source', 'generator', 'model'],
};

export interface TraceRow {
  problem: string;
  /** null when the row keeps no separate reasoning (it may still be a <think> block inside the response). */
  reasoning: string | null;
  response: string;
  source: string | null;
}

export class RowError extends Error {}

/** `problem=question,response=answer` → { problem: 'question', response: 'answer' }. */
export function parseFieldMap(spec: string): FieldMap {
  const out: FieldMap = {};
  for (const pair of spec.split(',').filter((s) => s.trim() !== '')) {
    const eq = pair.indexOf('=');
    const field = pair.slice(0, eq).trim() as Field;
    const name = pair.slice(eq + 1).trim();
    if (eq === -1 || !(field in ALIASES) || name === '')
      throw new Error(
        `--map expects field=name pairs with field one of ${Object.keys(ALIASES).join(', ')}; got '${pair}'`,
      );
    out[field] = name;
  }
  return out;
}

function lookup(row: Record<string, unknown>, path: string): unknown {
  if (path in row) return row[path];
  let v: unknown = row;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

type Turn = { role?: unknown; from?: unknown; content?: unknown; value?: unknown };
const USER = new Set(['user', 'human']);
const ASSISTANT = new Set(['assistant', 'gpt']);

/** The last user turn and the assistant turn after it, from OpenAI `messages` or ShareGPT `conversations`. */
function fromChat(row: Record<string, unknown>): { problem?: string; response?: string } {
  const turns = (
    Array.isArray(row.messages) ? row.messages : Array.isArray(row.conversations) ? row.conversations : null
  ) as Turn[] | null;
  if (!turns) return {};
  const text = (t: Turn) =>
    typeof t.content === 'string' ? t.content : typeof t.value === 'string' ? t.value : undefined;
  const role = (t: Turn) => String(t.role ?? t.from ?? '');
  const user = turns.findLastIndex((t) => USER.has(role(t)));
  if (user === -1) return {};
  const reply = turns.slice(user + 1).find((t) => ASSISTANT.has(role(t)));
  return { problem: text(turns[user]!), response: reply ? text(reply) : undefined };
}

// Bespoke-Stratos / OpenThoughts mark their traces this way instead of <think>.
const STRATOS =
  /^\s*<\|begin_of_thought\|>([\s\S]*?)<\|end_of_thought\|>\s*(?:<\|begin_of_solution\|>([\s\S]*?)(?:<\|end_of_solution\|>\s*)?)?$/;

function text(
  row: Record<string, unknown>,
  field: Field,
  map: FieldMap,
  chat: () => { problem?: string; response?: string },
): string | null {
  const name = map[field] ?? ALIASES[field].find((n) => lookup(row, n) != null);
  const value = name === undefined ? undefined : lookup(row, name);
  if (value == null) {
    if (map[field] !== undefined && field !== 'reasoning' && field !== 'source')
      throw new RowError(`no field '${map[field]}' (from --map ${field}=${map[field]})`);
    const fallback = field === 'problem' || field === 'response' ? chat()[field] : undefined;
    return fallback ?? null;
  }
  if (typeof value === 'string') return value;
  if (field === 'source' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  throw new RowError(
    `field '${name}' is ${Array.isArray(value) ? 'an array' : typeof value}, not text${Array.isArray(value) ? `; map one element, e.g. --map ${field}=${name}.0` : ''}`,
  );
}

/** The trace fields of one parsed row; RowError says what is missing or wrong. */
export function extractTrace(row: unknown, map: FieldMap): TraceRow {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new RowError('not a JSON object');
  const r = row as Record<string, unknown>;
  let chatFields: { problem?: string; response?: string } | undefined;
  const chat = () => (chatFields ??= fromChat(r));
  const problem = text(r, 'problem', map, chat);
  if (problem === null || problem.trim() === '')
    throw new RowError(
      `no problem (looked for ${map.problem ?? ALIASES.problem.join(', ')}, messages, conversations; name it with --map problem=FIELD)`,
    );
  let reasoning = text(r, 'reasoning', map, chat);
  let response = text(r, 'response', map, chat);
  if (response === null)
    throw new RowError(
      `no response (looked for ${map.response ?? ALIASES.response.join(', ')}, messages, conversations; name it with --map response=FIELD)`,
    );
  const stratos = reasoning === null ? STRATOS.exec(response) : null;
  if (stratos) {
    reasoning = stratos[1]!.trim();
    response = (stratos[2] ?? '').trim();
  }
  if (response.trim() === '' && (reasoning ?? '').trim() === '')
    throw new RowError('nothing to score: the response and reasoning are empty');
  return { problem, reasoning, response, source: text(r, 'source', map, chat) };
}
