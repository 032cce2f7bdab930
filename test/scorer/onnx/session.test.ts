import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { openSession } from '../../../src/scorer/onnx/session';
import { tempModel } from './fixtures';

// This machine has the CPU-only onnxruntime-node build, whose CUDA request throws.
describe('openSession', () => {
  const model = path.join(tempModel('value-head'), 'model.onnx');

  it('falls back to CPU when CUDA is asked for explicitly, and says so loudly', async () => {
    const lines: string[] = [];
    const { session, provider } = await openSession(model, { device: 'cuda', log: (m) => lines.push(m) });
    expect(provider).toBe('cpu');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^WARNING: SCORER_DEVICE=cuda .*FALLING BACK TO CPU/);
    await session.release();
  });

  it('falls back to CPU quietly on auto', async () => {
    const lines: string[] = [];
    const { session, provider } = await openSession(model, { device: 'auto', log: (m) => lines.push(m) });
    expect(provider).toBe('cpu');
    expect(lines).toEqual([expect.stringMatching(/CUDA execution provider unavailable .*; using CPU$/)]);
    await session.release();
  });

  it('does not try CUDA on cpu', async () => {
    const tried: unknown[] = [];
    const { provider } = await openSession(model, {
      device: 'cpu',
      create: async (_p, o) => {
        tried.push(o.executionProviders);
        return {} as never;
      },
    });
    expect(provider).toBe('cpu');
    expect(tried).toEqual([['cpu']]);
  });

  it('reports cuda when the provider loads', async () => {
    const { provider } = await openSession(model, { device: 'auto', create: async () => ({}) as never });
    expect(provider).toBe('cuda');
  });
});
