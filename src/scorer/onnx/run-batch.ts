/**
 * One forward pass over a batch of rows, and reading rewards out of it. Rows are right-padded, so each
 * row's real tokens keep positions 0…len−1, exactly as when it is run alone.
 */
import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import type { PrmManifest } from '../prm-manifest';
import type { PrmRow } from './prm-input';

export interface ForwardOutput {
  data: unknown;
  dims: readonly number[];
  type: string;
}

export interface ModelIo {
  session: InferenceSession;
  manifest: PrmManifest;
  padId: number;
}

export async function forward(io: ModelIo, rows: readonly { ids: readonly number[] }[]): Promise<ForwardOutput> {
  const width = Math.max(1, ...rows.map((r) => r.ids.length));
  const ids = new BigInt64Array(rows.length * width).fill(BigInt(io.padId));
  const mask = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => {
    for (let t = 0; t < row.ids.length; t++) {
      ids[r * width + t] = BigInt(row.ids[t]!);
      mask[r * width + t] = 1n;
    }
  });
  const dims = [rows.length, width];
  const { input_ids, attention_mask } = io.manifest.inputs;
  const feeds = {
    [input_ids]: new ort.Tensor('int64', ids, dims),
    [attention_mask]: new ort.Tensor('int64', mask, dims),
  };
  const out = await io.session.run(feeds, [io.manifest.output]);
  const tensor = out[io.manifest.output]!;
  return { data: tensor.data, dims: tensor.dims, type: tensor.type };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Per row: the reward at each tag (step classifier) or the single value at the last token (value head). */
export function readRewards(manifest: PrmManifest, out: ForwardOutput, rows: readonly PrmRow[]): number[][] {
  const data = out.data as Float32Array;
  const width = out.dims[1]!;
  if (manifest.kind === 'step-classifier') {
    const pos = manifest.positive_label;
    // softmax over two labels reduces to a sigmoid of their difference.
    return rows.map((row, r) =>
      row.tagPositions.map((t) => sigmoid(data[(r * width + t) * 2 + pos]! - data[(r * width + t) * 2 + 1 - pos]!)),
    );
  }
  return rows.map((row, r) => {
    const v = data[r * width + row.ids.length - 1]!;
    return [manifest.activation === 'sigmoid' ? sigmoid(v) : v];
  });
}
