/**
 * Reading a judge's verdict (src/core/judge-prompt.ts). Each parser returns the verdict or a reason it has
 * none, and the last verdict written wins (a judge that restates the format early and decides at the end).
 * A refusal, a missing verdict, a label out of range or a candidate that does not exist is no verdict: the
 * request then falls back to the vote and the metadata says why.
 */

export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string };

const TAIL = 4000;
const tail = (text: string) => (text.length > TAIL ? text.slice(-TAIL) : text);
const none = (reason: string): Verdict<never> => ({ ok: false, reason });
const snippet = (text: string) => JSON.stringify(text.trim().slice(-120));

// "The best response is Response 3", USC's "The most consistent response is Response 3", GenSelect's
// "Judgment: 3", and the bare forms judges fall into: "[[3]]", "\boxed{3}", "**Response 3**".
const SELECT_FORMS = [
  /\b(?:best|most consistent|correct|selected|chosen)\s+(?:response|answer|solution|candidate)\s+(?:is|:)\s*:?\s*\**\s*(?:response|solution|candidate)?\s*#?\s*\[?(\d+)\]?/gi,
  /\bjudg(?:e)?ment\s*:\s*\**\s*(?:response|solution)?\s*#?\s*(\d+)/gi,
  /\[\[\s*(?:response\s*)?(\d+)\s*\]\]/gi,
  /\\boxed\{\s*(?:\\text\{)?\s*(?:response\s*)?(\d+)\s*\}?\s*\}/gi,
  /^\s*\**\s*(?:response|solution)\s+#?(\d+)\s*\**\s*\.?\s*$/gim,
];

/** The chosen candidate's position (0-based) among `count`, from a select-mode answer numbered 1…count. */
export function parseSelectVerdict(text: string, count: number): Verdict<number> {
  const scanned = tail(text);
  let best: { at: number; label: number } | null = null;
  for (const form of SELECT_FORMS)
    for (const m of scanned.matchAll(form)) {
      const at = m.index + m[0].length;
      if (!best || at > best.at) best = { at, label: Number(m[1]) };
    }
  if (!best) return none(`no verdict in the judge's answer (${snippet(text)})`);
  if (!Number.isInteger(best.label) || best.label < 1 || best.label > count)
    return none(`the judge chose Response ${best.label}, but there are only ${count} candidates (1 to ${count})`);
  return { ok: true, value: best.label - 1 };
}

export type PairVerdict = 'A' | 'B' | 'tie';

/** MT-Bench's `[[A]]` / `[[B]]` / `[[C]]` (tie); the last one written. */
export function parsePairVerdict(text: string): Verdict<PairVerdict> {
  const found = [...tail(text).matchAll(/\[\[\s*([A-Za-z]+)\s*\]\]/g)].at(-1)?.[1]?.toUpperCase();
  if (found === undefined) return none(`no [[A]]/[[B]]/[[C]] verdict in the judge's answer (${snippet(text)})`);
  if (found === 'A' || found === 'B') return { ok: true, value: found };
  if (found === 'C' || found === 'TIE') return { ok: true, value: 'tie' };
  return none(`the judge answered [[${found}]], which is not one of [[A]], [[B]], [[C]]`);
}

/** MT-Bench's `[[rating]]` on 1–10 (decimals allowed: `[[7.5]]`); "Rating: 7" without brackets too. */
export function parseRating(text: string): Verdict<number> {
  const scanned = tail(text);
  const bracketed = [...scanned.matchAll(/\[\[\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*10\s*)?\]\]/g)].at(-1)?.[1];
  const plain = bracketed ?? [...scanned.matchAll(/\brating\s*[:=]\s*\**\s*(-?\d+(?:\.\d+)?)\b/gi)].at(-1)?.[1];
  if (plain === undefined) return none(`no [[rating]] in the judge's answer (${snippet(text)})`);
  const rating = Number(plain);
  if (!(rating >= 1 && rating <= 10)) return none(`the judge rated ${plain}, outside the scale of 1 to 10`);
  return { ok: true, value: rating };
}
