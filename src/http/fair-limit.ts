/**
 * The upstream's concurrency cap, shared fairly between the requests that wait for it. One FIFO queue
 * (p-limit) lets a `best_of: 64` request queue 64 calls in front of every later request; here each
 * owner (a client request) has its own queue, and a freed slot goes to the waiting owner with the fewest
 * calls running (the longest waiting among equals), so a small request waits for one free slot, not for
 * the backlog of the requests ahead of it.
 */
export type SlotLimit = <T>(fn: () => PromiseLike<T> | T, owner?: object) => Promise<T>;

export interface FairLimit extends SlotLimit {
  readonly concurrency: number;
  /** Calls running now. */
  readonly activeCount: number;
  /** Calls waiting for a slot, all owners together. */
  readonly pendingCount: number;
}

export function fairLimit(concurrency: number): FairLimit {
  let active = 0;
  let pending = 0;
  // Insertion order is waiting order: an owner goes to the back each time it is served.
  const queues = new Map<object, (() => void)[]>();
  const running = new Map<object, number>();

  const nextOwner = (): object | undefined => {
    let best: object | undefined;
    let fewest = Infinity;
    for (const owner of queues.keys()) {
      const n = running.get(owner) ?? 0;
      if (n < fewest) [best, fewest] = [owner, n];
      if (n === 0) break;
    }
    return best;
  };

  const dispatch = () => {
    while (active < concurrency) {
      const owner = nextOwner();
      if (owner === undefined) return;
      const queue = queues.get(owner)!;
      const start = queue.shift()!;
      queues.delete(owner);
      if (queue.length > 0) queues.set(owner, queue);
      pending--;
      active++;
      running.set(owner, (running.get(owner) ?? 0) + 1);
      start();
    }
  };

  const limit = <T>(fn: () => PromiseLike<T> | T, owner: object = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      // The call hangs off a promise made here, in its caller's context, and a freed slot only resolves
      // it: on Workers, I/O belongs to the request that began it, whichever request's call freed the slot.
      let start = () => {};
      void new Promise<void>((go) => (start = go))
        .then(fn)
        .then(resolve, reject)
        .finally(() => {
          active--;
          const left = running.get(owner)! - 1;
          if (left > 0) running.set(owner, left);
          else running.delete(owner);
          dispatch();
        });
      const queue = queues.get(owner);
      if (queue) queue.push(start);
      else queues.set(owner, [start]);
      pending++;
      dispatch();
    });

  return Object.defineProperties(limit, {
    concurrency: { value: concurrency },
    activeCount: { get: () => active },
    pendingCount: { get: () => pending },
  }) as FairLimit;
}
