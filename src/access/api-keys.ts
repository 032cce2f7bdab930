/**
 * Gateway API keys, checked in constant time. Keys are compared as SHA-256 digests, so neither the
 * length nor the content of a configured key leaks through timing, and only digests stay in memory.
 */
const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

function equalDigests(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export interface KeyRing {
  /** The index of the matching key, or -1. Always compares against every key. */
  find(presented: string): Promise<number>;
  readonly size: number;
}

export async function createKeyRing(keys: readonly string[]): Promise<KeyRing> {
  const digests = await Promise.all(keys.map(digest));
  return {
    size: digests.length,
    async find(presented) {
      const d = await digest(presented);
      let found = -1;
      digests.forEach((k, i) => {
        if (equalDigests(k, d) && found === -1) found = i;
      });
      return found;
    },
  };
}

/** `Authorization: Bearer <key>` (what the OpenAI clients send), or `x-api-key`. */
export function presentedKey(headers: Headers): string | null {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? m[1]!.trim() : null;
  }
  return headers.get('x-api-key');
}
