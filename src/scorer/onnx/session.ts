/**
 * Opens an onnxruntime-node session on the requested device.
 *
 * The default onnxruntime-node build is CPU-only and *throws* when asked for CUDA (it cannot load the
 * provider library) instead of falling back. We catch that and fall back to CPU in both cases:
 * - `auto`: expected on CPU machines, one info line.
 * Where the CUDA provider library is not installed at all (the package's default build), CUDA is not even
 * tried: onnxruntime would print a red load error on stderr first.
 * - `cuda`: the operator asked for a GPU and is not getting one; refusing to start would turn a slow
 *   gateway into a dead one, so we still start, but the line is a loud warning that says how to fix it.
 * The provider actually in use is returned and surfaces in health() and every ScoreResult.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';

import type { Device } from '../../core/types';
export type Provider = 'cuda' | 'cpu';

export interface OpenedSession {
  session: InferenceSession;
  provider: Provider;
}

export interface OpenSessionOptions {
  device: Device;
  log?: (msg: string) => void;
  /** Seam for tests; defaults to looking for the CUDA provider library (cudaProviderInstalled). */
  cudaInstalled?: () => boolean;
  /** Seam for tests; defaults to ort.InferenceSession.create. */
  create?: (modelPath: string, options: InferenceSession.SessionOptions) => Promise<InferenceSession>;
}

const base: InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  // Warnings about unused initializers and the like are noise for a gateway operator.
  logSeverityLevel: 3,
};

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/**
 * Whether onnxruntime-node's CUDA provider library is installed next to its binding. Asking for CUDA without
 * it makes onnxruntime print a red "Failed to load library" error before it throws; looking first keeps a
 * CPU machine's start-up to one line.
 */
export function cudaProviderInstalled(): boolean {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const dir = path.join(path.dirname(pkg), 'bin/napi-v6', process.platform, process.arch);
    return fs.readdirSync(dir).some((f) => /onnxruntime_providers_cuda\.(so|dll)$/.test(f));
  } catch {
    return false;
  }
}

export async function openSession(modelPath: string, opts: OpenSessionOptions): Promise<OpenedSession> {
  const create = opts.create ?? ((p, o) => ort.InferenceSession.create(p, o));
  const log = opts.log ?? (() => {});
  const cudaInstalled = opts.cudaInstalled ?? cudaProviderInstalled;
  if (opts.device !== 'cpu' && !cudaInstalled()) {
    if (opts.device === 'cuda')
      log(
        'WARNING: SCORER_DEVICE=cuda but onnxruntime-node has no CUDA provider installed; FALLING BACK TO CPU — scoring will be much slower. ' +
          'Install the GPU build with ONNXRUNTIME_NODE_INSTALL=cuda12 (see deploy/README.md), or set SCORER_DEVICE=cpu to silence this.',
      );
    else log('scorer: onnxruntime-node has no CUDA provider installed; using CPU');
  } else if (opts.device !== 'cpu') {
    try {
      return { session: await create(modelPath, { ...base, executionProviders: ['cuda'] }), provider: 'cuda' };
    } catch (err) {
      const why = firstLine(err);
      if (opts.device === 'cuda') {
        log(
          `WARNING: SCORER_DEVICE=cuda but the CUDA execution provider could not be used (${why}); FALLING BACK TO CPU — scoring will be much slower. ` +
            'Install the GPU build with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci, or set SCORER_DEVICE=cpu to silence this.',
        );
      } else {
        log(`scorer: CUDA execution provider unavailable (${why}); using CPU`);
      }
    }
  }
  return { session: await create(modelPath, { ...base, executionProviders: ['cpu'] }), provider: 'cpu' };
}
