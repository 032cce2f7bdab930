/**
 * Sharded selection. `bestofn select --shard i/k` scores only rows whose line number l has
 * (l − 1) mod k = i into its own side file, and when that is complete writes `<stem>.shard.json`.
 * `--merge` checks it has every shard of one split, for the same input, scorer and --map, interleaves
 * their side files by line into the side file one whole run would have written, and selects from it — so
 * --keep, --by and the reports see every row, whichever shard scored it. Node-only.
 */
import fs from 'node:fs';
import { parseJson } from '../core/parse-json';
import path from 'node:path';
import { z } from 'zod';
import { describeIssue } from '../core/zod-issue';
import { completeShards, inShard, shardLabel, type Shard } from '../util/shard';
import { readEntries, type ScoreEntry, type ScoresHeader } from './scores-file';

const markerSchema = z.object({
  bestofn_scores: z.literal(1),
  input: z.string(),
  scorer: z.string(),
  map: z.record(z.string(), z.string()),
  shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }),
});
export type ShardMarker = z.output<typeof markerSchema>;

const markerPath = (stem: string) => `${stem}.shard.json`;

/** Written once a shard's side file is complete; its presence is what --merge checks. */
export function writeShardMarker(stem: string, marker: Omit<ScoresHeader, 'shard'> & { shard: Shard }): string {
  const file = markerPath(stem);
  fs.writeFileSync(file, JSON.stringify(marker, null, 2) + '\n');
  return file;
}

function readMarker(stem: string): ShardMarker {
  const file = markerPath(stem);
  if (!fs.existsSync(file))
    throw new Error(`${file} is missing: that shard has not finished scoring (run its bestofn select --shard again)`);
  const json = parseJson(fs.readFileSync(file, 'utf8'));
  if (!json.ok) throw new Error(`${file} is not JSON (${json.error}): run that shard's bestofn select --shard again`);
  const parsed = markerSchema.safeParse(json.value);
  if (!parsed.success) throw new Error(`${file}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/**
 * Joins the shards' side files (given by each shard's --out stem) into `scoresPath` and returns the
 * scorer id they were scored with. Streams: one entry per shard is held at a time.
 */
export async function mergeShardScores(stems: readonly string[], input: string, scoresPath: string): Promise<string> {
  const shards = completeShards(
    stems.map((stem) => ({ stem, ...readMarker(stem) })),
    (s) => markerPath(s.stem),
  );
  const first = shards[0]!;
  for (const s of shards) {
    if (s.input !== path.resolve(input))
      throw new Error(`${markerPath(s.stem)} scored ${s.input}, not ${path.resolve(input)}`);
    if (s.scorer !== first.scorer || JSON.stringify(s.map) !== JSON.stringify(first.map))
      throw new Error(`${markerPath(s.stem)} and ${markerPath(first.stem)} were scored with another scorer or --map`);
  }
  const header: ScoresHeader = { bestofn_scores: 1, input: first.input, scorer: first.scorer, map: first.map };
  const readers = shards.map((s) => readEntries(`${s.stem}.scores.jsonl`)[Symbol.asyncIterator]());
  const heads: (ScoreEntry | undefined)[] = await Promise.all(
    readers.map(async (r) => (await r.next()).value ?? undefined),
  );
  const out = fs.openSync(scoresPath, 'w');
  try {
    let buffer = JSON.stringify(header) + '\n';
    for (;;) {
      let next = -1;
      heads.forEach((h, i) => {
        if (h && (next === -1 || h.line < heads[next]!.line)) next = i;
      });
      if (next === -1) break;
      const entry = heads[next]!;
      if (!inShard(entry.line - 1, shards[next]!.shard))
        throw new Error(
          `${shards[next]!.stem}.scores.jsonl has line ${entry.line}, which is not shard ${shardLabel(shards[next]!.shard)}'s`,
        );
      buffer += JSON.stringify(entry) + '\n';
      if (buffer.length > 1 << 20) (fs.writeSync(out, buffer), (buffer = ''));
      heads[next] = (await readers[next]!.next()).value ?? undefined;
    }
    fs.writeSync(out, buffer);
  } finally {
    fs.closeSync(out);
  }
  return first.scorer;
}
