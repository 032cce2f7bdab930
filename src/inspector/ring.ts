import type { Inspection } from './inspection';

/** The inspector's memory: the last `size` requests, newest first, in this process only. */
export class InspectionRing {
  private readonly items: Inspection[] = [];

  constructor(private readonly size: number) {}

  push(item: Inspection): void {
    this.items.unshift(item);
    if (this.items.length > this.size) this.items.length = this.size;
  }

  list(): readonly Inspection[] {
    return this.items;
  }

  get(id: string): Inspection | undefined {
    return this.items.find((i) => i.id === id);
  }
}

/** Where the inspector's pages read requests from: the gateway's memory, or files read once (bestofn inspect). */
export interface InspectionSource {
  list(): readonly Inspection[];
  get(id: string): Inspection | undefined;
}
