/**
 * Reads a chat template from a file (Node only): a `chat_template.jinja`, or a `tokenizer_config.json`
 * holding `chat_template` (a string, or a list of named templates of which "default" is used), with the
 * special-token names transformers passes to every template.
 */
import fs from 'node:fs';
import { ChatTemplate, type TemplateSpecials } from '../core/prm-prompt';
import { parseJson } from '../core/parse-json';

const tokenName = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && 'content' in v && typeof v.content === 'string'
      ? v.content
      : undefined;

/** The template source and specials of a parsed tokenizer_config.json; source undefined when it has none. */
export function templateFromTokenizerConfig(config: Record<string, unknown>): {
  source: string | undefined;
  specials: TemplateSpecials;
} {
  const t = config.chat_template;
  let source: string | undefined;
  if (typeof t === 'string') source = t;
  else if (Array.isArray(t)) {
    const named: unknown = t.find((e: unknown) => e && typeof e === 'object' && 'name' in e && e.name === 'default');
    if (named && typeof named === 'object' && 'template' in named && typeof named.template === 'string')
      source = named.template;
  }
  const specials: TemplateSpecials = {};
  for (const k of ['bos_token', 'eos_token', 'pad_token', 'unk_token'] as const) {
    const name = tokenName(config[k]);
    if (name !== undefined) specials[k] = name;
  }
  return { source, specials };
}

/** Throws an Error naming the file when it cannot be read or holds no template. */
export function readChatTemplate(file: string): ChatTemplate {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the chat template (${(err as Error).message})`);
  }
  if (!file.endsWith('.json')) return new ChatTemplate(text);
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(`${file}: not valid JSON (${parsed.error})`);
  const config = parsed.value;
  const { source, specials } = templateFromTokenizerConfig(
    config && typeof config === 'object' ? (config as Record<string, unknown>) : {},
  );
  if (source === undefined) throw new Error(`${file}: holds no chat_template`);
  return new ChatTemplate(source, specials);
}
