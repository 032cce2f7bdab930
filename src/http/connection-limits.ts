import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections in all; more are closed as they arrive. */
  total: number;
  /** Open connections from one client address; more from it are closed as they arrive. */
  perAddress: number;
}

/**
 * Caps open connections in all and per client address (Node only). Idle slowloris sockets from one
 * address then hold at most `perAddress` descriptors, so they can neither exhaust the process's file
 * descriptors nor fill the total cap that everyone else shares.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): { open(address: string): number } {
  server.maxConnections = limits.total;
  const byAddress = new Map<string, number>();
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (byAddress.get(address) ?? 0) + 1;
    if (count > limits.perAddress) {
      socket.destroy();
      return;
    }
    byAddress.set(address, count);
    socket.once('close', () => {
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left <= 0) byAddress.delete(address);
      else byAddress.set(address, left);
    });
  });
  return { open: (address) => byAddress.get(address) ?? 0 };
}
