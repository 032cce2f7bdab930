import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { loadModelDir, ModelDirError } from '../../../src/scorer/onnx/model-dir';
import { tempModel } from './fixtures';

const load = (dir: string) => loadModelDir(dir, { device: 'cpu' });

async function loadError(dir: string): Promise<ModelDirError> {
  const err = await load(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelDirError);
  return err as ModelDirError;
}

describe('loadModelDir', () => {
  it('loads a valid directory and reports the provider and pad id', async () => {
    const dir = tempModel('step-classifier');
    const prm = await load(dir);
    expect(prm.provider).toBe('cpu');
    expect(prm.padId).toBe(151643);
    expect(prm.modelId).toBe('bestofn-test-step-classifier');
    expect(prm.manifest.kind).toBe('step-classifier');
    await prm.session.release();
  });

  for (const file of ['model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'bestofn-prm.json']) {
    it(`names a missing ${file}`, async () => {
      const dir = tempModel('value-head');
      fs.rmSync(path.join(dir, file));
      const err = await loadError(dir);
      expect(err.message).toContain(path.join(dir, file));
      expect(err.message).toMatch(/missing; expected/);
    });
  }

  it('names a file that is not JSON, and one that cannot be read', async () => {
    const dir = tempModel('value-head');
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), '{"chat_template":');
    expect((await loadError(dir)).message).toMatch(/tokenizer_config\.json: not valid JSON \(.+\); expected/);
    fs.rmSync(path.join(dir, 'tokenizer_config.json'));
    fs.mkdirSync(path.join(dir, 'tokenizer_config.json'));
    expect((await loadError(dir)).message).toMatch(/tokenizer_config\.json: cannot be read \(.*EISDIR.*\); expected/);
  });

  it('names an invalid manifest field', async () => {
    const dir = tempModel('step-classifier');
    fs.writeFileSync(
      path.join(dir, 'bestofn-prm.json'),
      JSON.stringify({ kind: 'step-classifier', max_length: 'long' }),
    );
    const err = await loadError(dir);
    expect(err.message).toContain('bestofn-prm.json');
    expect(err.message).toContain('max_length');
  });

  it('refuses int32 token ids', async () => {
    const err = await loadError(tempModel('step-classifier', { broken: 'int32-input' }));
    expect(err.message).toMatch(/model\.onnx: input 'input_ids' is int32; expected int64/);
  });

  it('refuses a float64 output', async () => {
    const err = await loadError(tempModel('step-classifier', { broken: 'float64-output' }));
    expect(err.message).toMatch(/model\.onnx: output 'logits' is float64; expected float32 \[batch, seq, 2\]/);
  });

  it('refuses declared vocabulary-sized logits', async () => {
    const err = await loadError(tempModel('step-classifier', { broken: 'vocab-logits' }));
    expect(err.message).toMatch(/model\.onnx: output 'logits' is declared \[batch, seq, 151936\]/);
    expect(err.message).toMatch(/vocabulary-sized logits.*expected \[batch, seq, 2\]/);
  });

  it('catches vocabulary-sized logits behind a symbolic dim with the probe', async () => {
    const err = await loadError(tempModel('step-classifier', { broken: 'vocab-logits-undeclared' }));
    expect(err.message).toMatch(/model\.onnx: a one-sequence probe of \d+ tokens returned \[1, \d+, 151936\] float32/);
    expect(err.message).toMatch(/vocabulary-sized logits.*expected float32 \[batch, seq, 2\]/);
  });

  it('refuses vocabulary-sized output for a value head too', async () => {
    const err = await loadError(tempModel('value-head', { broken: 'vocab-logits' }));
    expect(err.message).toMatch(/expected \[batch, seq\] or \[batch, seq, 1\]/);
  });

  it('names an output the manifest points at but the model lacks', async () => {
    const dir = tempModel('step-classifier');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'bestofn-prm.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'bestofn-prm.json'), JSON.stringify({ ...manifest, output: 'scores' }));
    const err = await loadError(dir);
    expect(err.message).toMatch(/has no output 'scores' \(outputs: logits\)/);
  });
});
