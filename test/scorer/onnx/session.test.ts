import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { cudaProviderInstalled, openSession } from '../../../src/scorer/onnx/session';
import { tempModel } from './fixtures';

// This machine has the CPU-only onnxruntime-node build (no CUDA provider library), as every dev install does.
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
    expect(lines).toEqual(['scorer: onnxruntime-node has no CUDA provider installed; using CPU']);
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
    const { provider } = await openSession(model, {
      device: 'auto',
      cudaInstalled: () => true,
      create: async () => ({}) as never,
    });
    expect(provider).toBe('cuda');
  });

  it('does not ask onnxruntime for CUDA when its provider library is not installed (no red load error)', async () => {
    expect(cudaProviderInstalled()).toBe(false);
    for (const device of ['auto', 'cuda'] as const) {
      const tried: unknown[] = [];
      const lines: string[] = [];
      const { provider } = await openSession(model, {
        device,
        log: (m) => lines.push(m),
        create: async (_p, o) => (tried.push(o.executionProviders), {}) as never,
      });
      expect(provider).toBe('cpu');
      expect(tried).toEqual([['cpu']]);
      expect(lines).toHaveLength(1);
    }
  });

  it('still falls back, with the reason, when the provider is installed but cannot load', async () => {
    const lines: string[] = [];
    const { provider } = await openSession(model, {
      device: 'auto',
      cudaInstalled: () => true,
      log: (m) => lines.push(m),
      create: async (_p, o) => {
        if (o.executionProviders?.includes('cuda')) throw new Error('no CUDA-capable device is detected\nmore');
        return {} as never;
      },
    });
    expect(provider).toBe('cpu');
    expect(lines).toEqual([
      'scorer: CUDA execution provider unavailable (no CUDA-capable device is detected); using CPU',
    ]);
  });
});
