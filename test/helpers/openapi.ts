import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fixturePath } from './fixture-path';

/** Validators for schemas of the official OpenAI OpenAPI document (vendored in test/fixtures/shared/spec). */
const SPEC = fixturePath('spec/openai-openapi.json');

/**
 * The document mixes OpenAPI 3.0's `nullable: true` into 3.1 schemas, sometimes beside a `$ref` with no
 * `type`; rewrite it as the 3.1 form (`anyOf [schema, null]`) so a strict validator reads it as meant.
 */
function denullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(denullable);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'nullable') out[k] = denullable(v);
  return (node as Record<string, unknown>).nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

let ajv: Ajv2020 | undefined;

function load(): Ajv2020 {
  if (ajv) return ajv;
  const spec = JSON.parse(fs.readFileSync(SPEC, 'utf8'));
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajv.addSchema({ $id: 'openai', components: denullable(spec.components) });
  return ajv;
}

export function validateAgainst(schemaName: string, value: unknown): string[] {
  const validate = load().getSchema(`openai#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`no schema ${schemaName} in the OpenAPI spec`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

let eventSchemas: Map<string, string> | undefined;

/** A Responses stream event checked against the one schema its `type` names (the union's errors would list every member). */
export function validateResponseEvent(event: { type: string }): string[] {
  if (!eventSchemas) {
    const schemas = JSON.parse(fs.readFileSync(SPEC, 'utf8')).components.schemas;
    eventSchemas = new Map();
    for (const { $ref } of schemas.ResponseStreamEvent.anyOf as { $ref: string }[]) {
      const name = $ref.split('/').at(-1)!;
      for (const type of schemas[name]?.properties?.type?.enum ?? []) eventSchemas.set(type, name);
    }
  }
  const name = eventSchemas.get(event.type);
  return name ? validateAgainst(name, event) : [`no stream event type ${event.type} in the spec`];
}
