/** One named dependency GET /readyz asks about; the replica is ready when every check is ok. */
export interface ReadyCheck {
  name: string;
  check(): Promise<ReadyStatus> | ReadyStatus;
}

export type ReadyStatus = { ok: boolean } & Record<string, unknown>;
