/**
 * Loads the in-process ONNX scorer, the one place onnxruntime-node is imported from. The slim image (and any
 * install without that package) has no onnxruntime: SCORER=onnx then fails with what to do, not a
 * module-resolution stack.
 */
export async function importOnnxScorer(): Promise<typeof import('./onnx/index')> {
  try {
    return await import('./onnx/index');
  } catch (err) {
    throw explainMissingOnnx(err);
  }
}

/** Node's "Cannot find package 'onnxruntime-node'" as the operator's next step; any other error unchanged. */
export function explainMissingOnnx(err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (!/Cannot find (package|module) '?onnxruntime-(node|common)\b/.test(message)) return err;
  return new Error(
    'SCORER=onnx needs onnxruntime-node, which this install does not have (the slim image leaves it out): ' +
      'use the cpu or cuda image, or an install that keeps onnxruntime-node',
    { cause: err },
  );
}
