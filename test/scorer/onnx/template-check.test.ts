/** Start-up refuses a model directory whose chat template, tokenizer and step tag disagree, and says which. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelDir, ModelDirError } from '../../../src/scorer/onnx/model-dir';
import { TOKENIZER_DIR, tempModel } from './fixtures';

async function loadError(dir: string): Promise<string> {
  const err = await loadModelDir(dir, { device: 'cpu' }).then(
    (prm) => (void prm.session.release(), null),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelDirError);
  return (err as Error).message;
}

const editManifest = (dir: string, edit: (m: Record<string, unknown>) => void) => {
  const file = path.join(dir, 'bestofn-prm.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(m);
  fs.writeFileSync(file, JSON.stringify(m));
};

describe('PRM input check at start-up', () => {
  it('refuses a step tag the tokenizer splits into several tokens (the base Qwen2.5 tokenizer has no <extra_0>)', async () => {
    const dir = tempModel('step-classifier');
    // The base Qwen2.5 tokenizer is the PRM one with id 151651 under its base name (PROVENANCE: the only difference).
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
      const text = fs.readFileSync(path.join(TOKENIZER_DIR, f), 'utf8');
      expect(text.split('"<extra_0>"').length - 1).toBeGreaterThan(0);
      fs.writeFileSync(path.join(dir, f), text.replaceAll('"<extra_0>"', '"<|quad_end|>"'));
    }
    expect(await loadError(dir)).toMatch(/step tag "<extra_0>" (is not a token of tokenizer.json|encodes to 5 tokens)/);
  });

  it('refuses a manifest step_tag_id the tokenizer does not give the tag', async () => {
    const dir = tempModel('step-classifier');
    editManifest(dir, (m) => (m.step_tag_id = 151650));
    expect(await loadError(dir)).toContain("is id 151651 in tokenizer.json but the manifest's step_tag_id is 151650");
  });

  it('refuses a tag that is not one token', async () => {
    const dir = tempModel('step-classifier');
    editManifest(dir, (m) => (m.step_tag = 'ки'));
    expect(await loadError(dir)).toMatch(/step tag "ки"/);
  });

  it('refuses a template that rewrites the assistant message', async () => {
    const dir = tempModel('step-classifier');
    const file = path.join(dir, 'chat_template.jinja');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replaceAll("message.content + '<|im_end|>'", "message.content | trim + '<|im_end|>'"),
    );
    expect(await loadError(dir)).toContain('the chat template changes the assistant message');
  });

  it('names a directory without any chat template', async () => {
    const dir = tempModel('step-classifier');
    fs.rmSync(path.join(dir, 'chat_template.jinja'));
    const config = path.join(dir, 'tokenizer_config.json');
    const c = JSON.parse(fs.readFileSync(config, 'utf8')) as Record<string, unknown>;
    delete c.chat_template;
    fs.writeFileSync(config, JSON.stringify(c));
    expect(await loadError(dir)).toContain('no chat template');
  });

  it("falls back to tokenizer_config.json's chat_template and still builds the reference ids", async () => {
    const dir = tempModel('step-classifier');
    fs.rmSync(path.join(dir, 'chat_template.jinja'));
    const logs: string[] = [];
    const prm = await loadModelDir(dir, { device: 'cpu', log: (m) => logs.push(m) });
    expect(logs.join('\n')).toMatch(/PRM input check passed/);
    await prm.session.release();
  });
});
