/**
 * `bestofn/node`: the gateway on Node, as `bestofn serve` runs it (a port, the in-process ONNX scorer,
 * Redis-shared limits, Prometheus metrics), and the CLI's `main` for wrappers of the command line.
 */
export { startGateway, type RunningGateway } from '../node';
export { createNodeScorer } from '../scorer/create-node-scorer';
export { createLogger, type Logger } from '../log';
export { main } from '../cli';
