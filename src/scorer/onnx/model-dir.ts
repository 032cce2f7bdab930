/**
 * Loads and checks a PRM model directory at start-up:
 *   model.onnx (+ external data files next to it), tokenizer.json, tokenizer_config.json (with its
 *   chat_template, or chat_template.jinja beside it), bestofn-prm.json.
 * Every failure is a ModelDirError naming the file and what was expected, because the likeliest mistakes
 * (wrong export head, int32 ids, a missing file) otherwise surface as opaque runtime errors mid-request.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { InferenceSession } from 'onnxruntime-node';
import { MANIFEST_FILE, parseManifest } from '../prm-manifest';
import type { PrmManifest } from '../prm-manifest';
import { ChatTemplate, ChatTemplateError, prmPromptPieces } from '../../core/prm-prompt';
import { templateFromTokenizerConfig } from '../chat-template-file';
import { encodeStepClassifier, assemble } from './prm-input';
import type { Encode } from './prm-input';
import { checkTemplate } from './template-check';
import { forward } from './run-batch';
import { openSession } from './session';
import type { Device } from '../../core/types';
import { parseJson } from '../../core/parse-json';
import type { Provider } from './session';

/** A model directory that cannot be served. The CLI prints the message and exits with status 2. */
export class ModelDirError extends Error {
  override readonly name = 'ModelDirError';
}

export interface LoadedPrm {
  dir: string;
  modelPath: string;
  manifest: PrmManifest;
  modelId: string;
  encode: Encode;
  padId: number;
  /** Step classifiers: the directory's chat template and the step tag's id, both checked at load. */
  template: ChatTemplate | null;
  tagId: number;
  session: InferenceSession;
  provider: Provider;
}

export interface LoadModelDirOptions {
  device: Device;
  /** Start-up facts (the input check); defaults to `log`. */
  info?: (msg: string) => void;
  /** SCORER_SYSTEM_PROMPT: replaces the manifest's system_prompt (step classifiers). */
  systemPrompt?: string;
  log?: (msg: string) => void;
}

const ENDOFTEXT_ID = 151643;

function readJson(file: string, what: string): unknown {
  if (!fs.existsSync(file)) throw new ModelDirError(`${file}: missing; expected ${what}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelDirError(`${file}: cannot be read (${(err as Error).message}); expected ${what}`);
  }
  const json = parseJson(text);
  if (!json.ok) throw new ModelDirError(`${file}: not valid JSON (${json.error}); expected ${what}`);
  return json.value;
}

function loadTokenizer(dir: string): { encode: Encode; tokenizer: Tokenizer; config: Record<string, unknown> } {
  const json = readJson(path.join(dir, 'tokenizer.json'), 'the Hugging Face tokenizer of the PRM');
  const config = readJson(path.join(dir, 'tokenizer_config.json'), "the tokenizer's tokenizer_config.json") as Record<
    string,
    unknown
  >;
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json as object, config);
  } catch (err) {
    throw new ModelDirError(
      `${path.join(dir, 'tokenizer.json')}: could not build a tokenizer (${(err as Error).message})`,
    );
  }
  return { tokenizer, config, encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids };
}

/** chat_template.jinja wins over tokenizer_config.json's chat_template, as in transformers. */
function loadTemplate(dir: string, config: Record<string, unknown>): ChatTemplate {
  const file = path.join(dir, 'chat_template.jinja');
  const fromConfig = templateFromTokenizerConfig(config);
  const source = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : fromConfig.source;
  if (source === undefined)
    throw new ModelDirError(
      `${dir}: no chat template (neither chat_template.jinja nor a chat_template in tokenizer_config.json); copy the PRM's own from its checkpoint`,
    );
  try {
    return new ChatTemplate(source, fromConfig.specials);
  } catch (err) {
    throw new ModelDirError(
      `${fs.existsSync(file) ? file : path.join(dir, 'tokenizer_config.json')}: ${(err as Error).message}`,
    );
  }
}

function padTokenId(manifest: PrmManifest, tokenizer: Tokenizer, config: Record<string, unknown>): number {
  if (manifest.pad_token_id !== undefined) return manifest.pad_token_id;
  const pad = config.pad_token;
  const name =
    typeof pad === 'string'
      ? pad
      : pad && typeof pad === 'object' && 'content' in pad
        ? String(pad.content)
        : undefined;
  return (name !== undefined ? tokenizer.token_to_id(name) : undefined) ?? ENDOFTEXT_ID;
}

/** Label count the output must end with: 2 for step classifiers, 1 (or no axis) for value heads. */
function expectedOutput(manifest: PrmManifest): string {
  return manifest.kind === 'step-classifier'
    ? '[batch, seq, 2] (two-label logits per token)'
    : '[batch, seq] or [batch, seq, 1] (one value per token)';
}

function shapeProblem(manifest: PrmManifest, dims: readonly (number | string)[]): string | null {
  const last = dims[dims.length - 1];
  if (manifest.kind === 'step-classifier') {
    if (dims.length !== 3) return `rank ${dims.length}`;
    if (typeof last === 'number' && last !== 2) {
      return last > 1000
        ? `${last} values per token — vocabulary-sized logits: this is a language-model head, not the PRM head`
        : `${last} labels per token`;
    }
    return null;
  }
  if (dims.length === 2) return null;
  if (dims.length !== 3) return `rank ${dims.length}`;
  if (typeof last === 'number' && last !== 1) {
    return last > 1000
      ? `${last} values per token — vocabulary-sized logits: this is a language-model head, not the value head`
      : `${last} values per token`;
  }
  return null;
}

function checkMetadata(modelPath: string, manifest: PrmManifest, session: InferenceSession): void {
  const inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
  for (const name of [manifest.inputs.input_ids, manifest.inputs.attention_mask]) {
    const meta = inputs.get(name);
    if (!meta)
      throw new ModelDirError(
        `${modelPath}: has no input '${name}' (inputs: ${[...inputs.keys()].join(', ')}); expected int64 '${name}' [batch, seq]`,
      );
    if (meta.isTensor && meta.type !== 'int64')
      throw new ModelDirError(
        `${modelPath}: input '${name}' is ${meta.type}; expected int64 [batch, seq] — re-export with int64 token ids`,
      );
  }
  const meta = session.outputMetadata.find((m) => m.name === manifest.output);
  if (!meta) {
    const names = session.outputMetadata.map((m) => m.name).join(', ');
    throw new ModelDirError(
      `${modelPath}: has no output '${manifest.output}' (outputs: ${names}); set "output" in ${MANIFEST_FILE}`,
    );
  }
  if (!meta.isTensor) return;
  if (meta.type !== 'float32')
    throw new ModelDirError(
      `${modelPath}: output '${manifest.output}' is ${meta.type}; expected float32 ${expectedOutput(manifest)}`,
    );
  const problem = meta.shape.length ? shapeProblem(manifest, meta.shape) : null;
  if (problem)
    throw new ModelDirError(
      `${modelPath}: output '${manifest.output}' is declared [${meta.shape.join(', ')}] (${problem}); expected ${expectedOutput(manifest)}`,
    );
}

/** Runs one short sequence, catching what the declared metadata could leave open (symbolic dims). */
async function probe(modelPath: string, prm: LoadedPrm): Promise<void> {
  const pieces = { prefix: '1+1', steps: ['2'], suffix: '' };
  const row = assemble(
    encodeStepClassifier(
      prm.encode,
      prm.template ? prmPromptPieces(prm.template, '1+1', ['2'], null) : pieces,
      prm.tagId,
    ),
  );
  let out;
  try {
    out = await forward(prm, [row]);
  } catch (err) {
    throw new ModelDirError(
      `${modelPath}: a one-sequence probe failed (${(err as Error).message.split('\n')[0]}); expected ${expectedOutput(prm.manifest)}`,
    );
  }
  const bad =
    out.type !== 'float32'
      ? `${out.type} values`
      : out.dims[0] !== 1 || out.dims[1] !== row.ids.length
        ? `shape [${out.dims.join(', ')}]`
        : shapeProblem(prm.manifest, out.dims);
  if (bad)
    throw new ModelDirError(
      `${modelPath}: a one-sequence probe of ${row.ids.length} tokens returned [${out.dims.join(', ')}] ${out.type} (${bad}); expected float32 ${expectedOutput(prm.manifest)}`,
    );
}

export async function loadModelDir(dir: string, opts: LoadModelDirOptions): Promise<LoadedPrm> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new ModelDirError(`${dir}: not a directory; expected a PRM model directory (see docs/export-prm.md)`);
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const parsed = parseManifest(readJson(manifestPath, 'the bestofn PRM manifest (see docs/export-prm.md)'));
  if (!parsed.ok) throw new ModelDirError(`${manifestPath}: ${parsed.reason}`);
  const manifest =
    parsed.manifest.kind === 'step-classifier' && opts.systemPrompt !== undefined
      ? { ...parsed.manifest, system_prompt: opts.systemPrompt }
      : parsed.manifest;
  const modelPath = path.join(dir, 'model.onnx');
  if (!fs.existsSync(modelPath))
    throw new ModelDirError(`${modelPath}: missing; expected the exported ONNX PRM (external-data files beside it)`);
  const { encode, tokenizer, config } = loadTokenizer(dir);
  let opened;
  try {
    // By path, not buffer: onnxruntime resolves external-data files (models over 2 GB) relative to it.
    opened = await openSession(modelPath, { device: opts.device, log: opts.log });
  } catch (err) {
    throw new ModelDirError(`${modelPath}: onnxruntime could not load it (${(err as Error).message.split('\n')[0]})`);
  }
  checkMetadata(modelPath, manifest, opened.session);
  let template: ChatTemplate | null = null;
  let tagId = padTokenId(manifest, tokenizer, config);
  if (manifest.kind === 'step-classifier') {
    template = loadTemplate(dir, config);
    try {
      const check = checkTemplate({
        template,
        encode,
        tokenId: (t) => tokenizer.token_to_id(t) ?? undefined,
        stepTag: manifest.step_tag,
        expectedTagId: manifest.step_tag_id,
        systemPrompt: manifest.system_prompt,
      });
      tagId = check.tagId;
      (opts.info ?? opts.log)?.(
        `scorer: PRM input check passed (${manifest.step_tag} = ${tagId}); example starts ${JSON.stringify(check.text.slice(0, 48))} → [${check.ids.slice(0, 12).join(', ')}, …]`,
      );
    } catch (err) {
      if (err instanceof ChatTemplateError) throw new ModelDirError(`${dir}: ${err.message}`);
      throw err;
    }
  }
  const prm: LoadedPrm = {
    dir,
    modelPath,
    manifest,
    modelId: manifest.model_id ?? path.resolve(dir),
    encode,
    padId: padTokenId(manifest, tokenizer, config),
    template,
    tagId,
    ...opened,
  };
  await probe(modelPath, prm);
  return prm;
}
