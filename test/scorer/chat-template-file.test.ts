import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prmMessages, QWEN_PRM_SYSTEM_PROMPT } from '../../src/core/prm-prompt';
import { readChatTemplate } from '../../src/scorer/chat-template-file';
import { parseConfig } from '../../src/config';
import { fixturePath } from '../helpers/fixture-path';

const DIR = fixturePath('tokenizers/qwen2.5-prm-tag');
const CASE = JSON.parse(
  fs.readFileSync(fixturePath('test-vectors/prm-inputs/qwen2.5-math-prm.jsonl'), 'utf8').split('\n')[1]!,
);

describe('SCORER_CHAT_TEMPLATE', () => {
  it('reads chat_template.jinja and tokenizer_config.json alike, rendering the reference text', () => {
    const messages = prmMessages(CASE.problem, CASE.steps, QWEN_PRM_SYSTEM_PROMPT);
    expect(readChatTemplate(path.join(DIR, 'chat_template.jinja')).render(messages)).toBe(CASE.text);
    expect(readChatTemplate(path.join(DIR, 'tokenizer_config.json')).render(messages)).toBe(CASE.text);
  });

  it('names the file when it holds no template', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-tpl-')), 'tokenizer_config.json');
    fs.writeFileSync(file, '{"eos_token": "<|im_end|>"}');
    expect(() => readChatTemplate(file)).toThrow(`${file}: holds no chat_template`);
  });

  it('is required for the text form of the remote scorer', () => {
    const base = { UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1', SCORER: 'remote', SCORER_URL: 'http://127.0.0.1:2' };
    expect(() => parseConfig({ ...base, SCORER_REQUEST_FORM: 'text' })).toThrow(
      /SCORER_CHAT_TEMPLATE is required when SCORER_REQUEST_FORM=text/,
    );
    expect(parseConfig(base).SCORER_REQUEST_FORM).toBe('messages');
  });
});
