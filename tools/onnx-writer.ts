/**
 * A minimal ONNX protobuf writer: just the messages and fields a small test graph needs, so test models
 * are generated at test time instead of committed as binaries. Field numbers follow onnx/onnx.proto3.
 */
type Field = Uint8Array;

const utf8 = new TextEncoder();

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const concat = (parts: readonly Field[]): Field => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const tag = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number | bigint): Field => new Uint8Array([...tag(field, 0), ...varint(value)]);
const bytes = (field: number, payload: Field): Field =>
  concat([new Uint8Array([...tag(field, 2), ...varint(payload.length)]), payload]);
const str = (field: number, s: string): Field => bytes(field, utf8.encode(s));
const msg = (field: number, parts: readonly Field[]): Field => bytes(field, concat(parts));

/** TensorProto.DataType values used here. */
export const DType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

export type Dim = number | string;

export interface Tensor {
  name: string;
  dims: readonly number[];
  dataType: number;
  /** Little-endian raw bytes, as TensorProto.raw_data stores them. */
  raw: Uint8Array;
}

export const floatTensor = (name: string, dims: readonly number[], data: Float32Array): Tensor => ({
  name,
  dims,
  dataType: DType.FLOAT,
  raw: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

export const int64Tensor = (name: string, dims: readonly number[], data: readonly number[]): Tensor => {
  const arr = BigInt64Array.from(data.map(BigInt));
  return { name, dims, dataType: DType.INT64, raw: new Uint8Array(arr.buffer) };
};

export type Attr = { name: string; int: number } | { name: string; ints: readonly number[] };

export interface Node {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: readonly Attr[];
}

export interface ValueInfo {
  name: string;
  elemType: number;
  shape: readonly Dim[];
}

const tensorProto = (field: number, t: Tensor) =>
  msg(field, [...t.dims.map((d) => int(1, d)), int(2, t.dataType), str(8, t.name), bytes(9, t.raw)]);

// AttributeProto: name=1, i=3, ints=8, type=20 (INT=2, INTS=7).
const attrProto = (a: Attr) =>
  'int' in a
    ? msg(5, [str(1, a.name), int(3, a.int), int(20, 2)])
    : msg(5, [str(1, a.name), ...a.ints.map((i) => int(8, i)), int(20, 7)]);

const nodeProto = (n: Node, i: number) =>
  msg(1, [
    ...n.inputs.map((s) => str(1, s)),
    ...n.outputs.map((s) => str(2, s)),
    str(3, `${n.op}_${i}`),
    str(4, n.op),
    ...(n.attrs ?? []).map(attrProto),
  ]);

// ValueInfoProto{name=1, type=2} → TypeProto{tensor_type=1} → Tensor{elem_type=1, shape=2} → TensorShapeProto{dim=1} → Dimension{dim_value=1 | dim_param=2}.
const valueInfo = (field: number, v: ValueInfo) =>
  msg(field, [
    str(1, v.name),
    msg(2, [
      msg(1, [
        int(1, v.elemType),
        msg(
          2,
          v.shape.map((d) => msg(1, [typeof d === 'number' ? int(1, d) : str(2, d)])),
        ),
      ]),
    ]),
  ]);

export interface Graph {
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

/** Serialises a ModelProto (IR version 8, default-domain opset 17). */
export function encodeModel(graph: Graph, opset = 17): Uint8Array {
  const g = msg(7, [
    ...graph.nodes.map(nodeProto),
    str(2, 'bestofn_test_prm'),
    ...graph.initializers.map((t) => tensorProto(5, t)),
    ...graph.inputs.map((v) => valueInfo(11, v)),
    ...graph.outputs.map((v) => valueInfo(12, v)),
  ]);
  return concat([int(1, 8), str(2, 'bestofn-tools'), msg(8, [str(1, ''), int(2, opset)]), g]);
}
