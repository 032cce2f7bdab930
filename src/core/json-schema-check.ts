/**
 * JSON Schema checks for the schemas a client sends (a `json_schema` response format, a tool's
 * `parameters`). Validation is @cfworker/json-schema's, which interprets the schema instead of generating
 * code (`new Function`), so it runs on Workers as on Node. Before any candidate is sampled, a schema is
 * checked here for what would make it unusable (a keyword of the wrong shape, a `$ref` that resolves to
 * nothing, a pattern that is no regular expression): the client gets a 400, not N wasted samples.
 */
import { Validator, type OutputUnit, type SchemaDraft } from '@cfworker/json-schema';
import { MAX_PATTERN_INPUT, unsafePatternReason } from './regex-safety';

export type JsonCheck = (value: unknown) => string | null;
/** A failure names `code` and `at` (the offending keyword's path) when a pattern could stall the event loop. */
export type CompiledSchema =
  { ok: true; check: JsonCheck } | { ok: false; reason: string; code?: 'unsafe_pattern'; at?: string };

/** What the walk over a schema collects besides its first problem. */
interface Found {
  refs: [string, string][];
  anchors: Set<string>;
  /** The schema runs regular expressions (pattern, patternProperties) on candidate strings. */
  patterned: boolean;
  /** Path of the first pattern refused as unsafe. */
  unsafeAt?: string;
}

const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'integer', 'string']);
const ONE_SCHEMA = [
  'not',
  'additionalProperties',
  'additionalItems',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
] as const;
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const;
const MAX_DEPTH = 64;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function draftOf(schema: Record<string, unknown>): SchemaDraft {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('draft-04')) return '4';
  if (declared.includes('draft-07') || declared.includes('draft-06')) return '7';
  if (declared.includes('2019-09')) return '2019-09';
  return '2020-12';
}

/** The value a local `$ref` (`#`, `#/a/b`, `#anchor`) points to, or undefined. */
function resolveLocal(root: Record<string, unknown>, ref: string, anchors: Set<string>): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return anchors.has(ref.slice(1)) ? true : undefined;
  let at: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(at)) at = at[Number(key)];
    else if (isObject(at)) at = at[key];
    else return undefined;
  }
  return at;
}

/** The first problem that keeps `schema` from being used as a JSON Schema, or null. */
function problemOf(node: unknown, path: string, depth: number, found: Found): string | null {
  if (typeof node === 'boolean') return null;
  if (!isObject(node)) return `${path} must be a schema (an object or a boolean)`;
  if (depth > MAX_DEPTH) return `${path} nests deeper than ${MAX_DEPTH} levels`;
  const child = (value: unknown, at: string) => problemOf(value, at, depth + 1, found);
  /** Why a client's regular expression cannot be used, recording an unsafe one. */
  const patternProblem = (pattern: string, at: string): string | null => {
    try {
      new RegExp(pattern, 'u');
    } catch {
      return `${at} is not a regular expression: ${pattern}`;
    }
    const unsafe = unsafePatternReason(pattern);
    if (unsafe === null) return ((found.patterned = true), null);
    found.unsafeAt = at;
    return `${at} ${JSON.stringify(pattern)} is refused: ${unsafe}`;
  };
  const type = node.type;
  if (type !== undefined) {
    const list = Array.isArray(type) ? type : [type];
    const bad = list.find((t) => typeof t !== 'string' || !TYPES.has(t));
    if (list.length === 0 || bad !== undefined)
      return `${path}.type must be one of ${[...TYPES].join(', ')} (or a list of them), got ${JSON.stringify(bad ?? type)}`;
  }
  for (const key of SCHEMA_MAPS) {
    const map = node[key];
    if (map === undefined) continue;
    if (!isObject(map)) return `${path}.${key} must be an object of schemas`;
    if (key === 'patternProperties')
      for (const pattern of Object.keys(map)) {
        const problem = patternProblem(pattern, `${path}.patternProperties`);
        if (problem) return problem;
      }
    for (const [name, sub] of Object.entries(map)) {
      const problem = child(sub, `${path}.${key}.${name}`);
      if (problem) return problem;
    }
  }
  for (const key of SCHEMA_LISTS) {
    const list = node[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) return `${path}.${key} must be a non-empty array of schemas`;
    for (const [i, sub] of list.entries()) {
      const problem = child(sub, `${path}.${key}[${i}]`);
      if (problem) return problem;
    }
  }
  for (const key of ONE_SCHEMA) {
    const problem = node[key] === undefined ? null : child(node[key], `${path}.${key}`);
    if (problem) return problem;
  }
  const items = node.items;
  if (Array.isArray(items)) {
    for (const [i, sub] of items.entries()) {
      const problem = child(sub, `${path}.items[${i}]`);
      if (problem) return problem;
    }
  } else if (items !== undefined) {
    const problem = child(items, `${path}.items`);
    if (problem) return problem;
  }
  if (
    node.required !== undefined &&
    (!Array.isArray(node.required) || node.required.some((r) => typeof r !== 'string'))
  )
    return `${path}.required must be an array of property names`;
  if (node.enum !== undefined && !Array.isArray(node.enum)) return `${path}.enum must be an array`;
  for (const key of COUNTS) {
    const n = node[key];
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0))
      return `${path}.${key} must be a non-negative integer`;
  }
  if (node.pattern !== undefined) {
    if (typeof node.pattern !== 'string') return `${path}.pattern must be a string`;
    const problem = patternProblem(node.pattern, `${path}.pattern`);
    if (problem) return problem;
  }
  if (typeof node.$anchor === 'string') found.anchors.add(node.$anchor);
  if (node.$ref !== undefined) {
    if (typeof node.$ref !== 'string') return `${path}.$ref must be a string`;
    found.refs.push([path, node.$ref]);
  }
  return null;
}

/** The innermost failure of a short-circuited validation: the one that names the offending value. */
function reasonOf(errors: OutputUnit[]): string {
  const last = errors.at(-1);
  if (!last) return 'does not match the schema';
  const where = last.instanceLocation === '#' ? '' : ` at ${last.instanceLocation.slice(1)}`;
  const what =
    last.error === 'False boolean schema.' ? 'value is not allowed' : last.error.replace(/^Instance /, 'value ');
  return `${what}${where}`.slice(0, 300);
}

/** Why `value` holds a string (or property name) too long to run a schema pattern on, or null. */
function longText(value: unknown, depth = 0): string | null {
  if (typeof value === 'string')
    return value.length > MAX_PATTERN_INPUT
      ? `a string of ${value.length} characters is longer than the ${MAX_PATTERN_INPUT} the schema's patterns are run on`
      : null;
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return null;
  const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    const problem = longText(key, depth + 1) ?? longText(v, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/** Checks a client's schema once, and returns what validates values against it. */
export function compileSchema(schema: unknown, name = 'schema'): CompiledSchema {
  const found: Found = { refs: [], anchors: new Set(), patterned: false };
  const problem = problemOf(schema, name, 0, found);
  if (problem)
    return found.unsafeAt === undefined
      ? { ok: false, reason: problem }
      : { ok: false, reason: problem, code: 'unsafe_pattern', at: found.unsafeAt };
  const { refs, anchors } = found;
  if (typeof schema === 'boolean')
    return { ok: true, check: (v) => (schema || v === undefined ? null : 'no value is allowed') };
  const root = schema as Record<string, unknown>;
  for (const [path, ref] of refs) {
    if (!ref.startsWith('#'))
      return { ok: false, reason: `${path}.$ref ${ref} is not local: only refs within the schema (#/…) are resolved` };
    if (resolveLocal(root, ref, anchors) === undefined)
      return { ok: false, reason: `${path}.$ref ${ref} resolves to nothing` };
  }
  let validator: Validator;
  try {
    validator = new Validator(root, draftOf(root), true);
  } catch (err) {
    return { ok: false, reason: `${name} cannot be used: ${err instanceof Error ? err.message : String(err)}` };
  }
  return {
    ok: true,
    check: (value) => {
      // Even a pattern that passed the scan may backtrack polynomially: it never runs on a long text.
      const long = found.patterned ? longText(value) : null;
      if (long) return long;
      try {
        const result = validator.validate(value);
        return result.valid ? null : reasonOf(result.errors);
      } catch (err) {
        return `the schema could not be applied: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
      }
    },
  };
}
