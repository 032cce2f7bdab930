/** The slim image has no onnxruntime: SCORER=onnx must say so, and nothing else may need the package. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainMissingOnnx } from '../../src/scorer/onnx-module';
import { REPO_ROOT } from '../helpers/fixture-path';

describe('onnxruntime-node is optional at run time', () => {
  it('turns the missing package into the next step', () => {
    const missing = new Error("Cannot find package 'onnxruntime-node' imported from /app/src/scorer/onnx/session.ts");
    const explained = explainMissingOnnx(missing) as Error;
    expect(explained.message).toMatch(/^SCORER=onnx needs onnxruntime-node.*use the cpu or cuda image/);
    expect(explained.cause).toBe(missing);
    const other = new Error('model.onnx: invalid protobuf');
    expect(explainMissingOnnx(other)).toBe(other);
  });

  it('is imported only under src/scorer/onnx/, which only onnx-module.ts loads', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, e.name);
        if (e.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) {
          const rel = path.relative(REPO_ROOT, file);
          if (rel.startsWith(path.join('src', 'scorer', 'onnx') + path.sep) || rel.endsWith('onnx-module.ts')) continue;
          if (
            /from ['"](onnxruntime-node|[^'"]*\/onnx\/[^'"]*)['"]|import\(['"][^'"]*onnx/.test(
              fs.readFileSync(file, 'utf8'),
            )
          )
            offenders.push(rel);
        }
      }
    };
    walk(path.join(REPO_ROOT, 'src'));
    expect(offenders).toEqual([]);
  });
});
