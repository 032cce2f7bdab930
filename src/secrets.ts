/**
 * The gateway's own secrets, and the scrubbers that keep them (and internal addresses) out of anything a
 * client or a log reads. An upstream that echoes its request headers in an error would otherwise hand
 * UPSTREAM_API_KEY to every client. Pure: the secrets come from the parsed config.
 */
import type { Config } from './config';

export type Scrub = (text: string) => string;

/** Shorter values are not searched for in free text (a 2-letter password would mangle every message). */
const MIN_SECRET_LENGTH = 6;
const REDACTED = '[redacted]';

type SecretSource = Pick<
  Config,
  | 'UPSTREAM_API_KEY'
  | 'SCORER_API_KEY'
  | 'VERIFIER_API_KEY'
  | 'UPSTREAM_BASE_URL'
  | 'SCORER_URL'
  | 'VERIFIER_BASE_URL'
  | 'upstreams'
  | 'keys'
>;

function urlCredentials(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const u = new URL(url);
    return [u.username, u.password, decodeURIComponent(u.username), decodeURIComponent(u.password)];
  } catch {
    return [];
  }
}

/** Every secret the gateway holds: upstream, scorer and verifier keys, URL credentials, client keys. */
export function secretsOf(config: SecretSource): string[] {
  const all = [
    config.UPSTREAM_API_KEY,
    config.SCORER_API_KEY,
    config.VERIFIER_API_KEY,
    ...config.upstreams.map((u) => u.apiKey),
    ...config.keys.map((k) => k.key),
    ...[
      config.UPSTREAM_BASE_URL,
      config.SCORER_URL,
      config.VERIFIER_BASE_URL,
      ...config.upstreams.map((u) => u.baseUrl),
    ].flatMap(urlCredentials),
  ];
  const found = new Set<string>();
  for (const s of all) {
    if (!s || s.length < MIN_SECRET_LENGTH) continue;
    found.add(s);
    // As it appears inside a JSON string (a log line, an error body echoed as JSON).
    found.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** `scheme://user:pass@host` → `scheme://[redacted]@host`, for URLs in any text. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${REDACTED}@`);
}

/** Query parameters that carry a credential (`?key=`, `?api_key=`, `?access_token=`, a signature…). */
const CREDENTIAL_PARAM = /^(?:key|api[-_]?key|apikey|token|access[-_]?token|auth|password|secret|sig|signature)$/i;

/**
 * A URL as it may be shown or written to a file: user:pass@ and the values of credential query parameters
 * replaced. For URLs an operator typed (a CLI's --base-url, --scorer-url), which reports, summaries and
 * plots name; text that merely contains URLs goes through secretScrubber.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactUrlCredentials(url);
  }
  const userinfo = u.username || u.password ? `${REDACTED}@` : '';
  const params = [...u.searchParams].map(([k, v]) =>
    CREDENTIAL_PARAM.test(k)
      ? `${encodeURIComponent(k)}=${REDACTED}`
      : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
  );
  const query = params.length ? `?${params.join('&')}` : '';
  const origin = u.host ? `${u.protocol}//${userinfo}${u.host}` : u.protocol;
  // The fragment is never sent to a server, and can hold a token (#access_token=…): it is left out.
  return `${origin}${u.pathname}${query}`;
}

/** The credentials a URL holds (user, password, credential query values), as secretScrubber takes them. */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const u = new URL(url);
    const query = [...u.searchParams].filter(([k]) => CREDENTIAL_PARAM.test(k)).map(([, v]) => v);
    return [...urlCredentials(url), ...query].filter((s) => s.length >= MIN_SECRET_LENGTH);
  } catch {
    return [];
  }
}

/** Removes the given secrets, URL credentials and bearer tokens from text; for logs and clients alike. */
export function secretScrubber(secrets: readonly string[]): Scrub {
  return (text) => {
    let out = redactUrlCredentials(text).replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`);
    for (const s of secrets) if (out.includes(s)) out = out.replaceAll(s, REDACTED);
    return out;
  };
}

/**
 * Every string inside a parsed JSON value scrubbed, keys left as they are: for what an upstream sent as
 * JSON (an error body, a relayed event), where a secret may sit in any field and in escaped form, which
 * parsing has already undone.
 */
export function scrubStrings(value: unknown, scrub: Scrub, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, scrub, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubStrings(v, scrub, depth + 1);
  return out;
}

/**
 * For text a client reads: secrets out, and internal addresses replaced, each upstream's host by its
 * configured name, the PRM's and the verifier's by their setting, and any other IP address (as a connection
 * error reports it) by a placeholder. A host is matched with its port: the PRM often shares the policy
 * server's machine on another port, and must not be named as that upstream.
 */
export function clientScrubber(config: SecretSource): Scrub {
  const secrets = secretScrubber(secretsOf(config));
  const servers = [
    ...config.upstreams.map((u) => ({ url: u.baseUrl, label: `upstream '${u.name}'` })),
    ...(config.SCORER_URL ? [{ url: config.SCORER_URL, label: '[SCORER_URL]' }] : []),
    ...(config.VERIFIER_BASE_URL ? [{ url: config.VERIFIER_BASE_URL, label: '[VERIFIER_BASE_URL]' }] : []),
  ];
  const hosts: { pattern: RegExp; length: number; label: string }[] = [];
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const { url: raw, label } of servers) {
    try {
      const url = new URL(raw);
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      // The host with this server's port, or with none (a DNS error names the bare host); never with another port.
      const host = `(?<![\\w.-])${escape(url.hostname)}`;
      hosts.push({ pattern: new RegExp(`${host}:${port}(?!\\d)`, 'g'), length: url.hostname.length + 6, label });
      hosts.push({ pattern: new RegExp(`${host}(?![\\w.-]|:\\d)`, 'g'), length: url.hostname.length, label });
    } catch {
      // parseConfig only lets valid URLs through; nothing to hide in an unparsable one.
    }
  }
  hosts.sort((a, b) => b.length - a.length);
  return (text) => {
    let out = secrets(text);
    for (const { pattern, label } of hosts) out = out.replace(pattern, label);
    return out
      .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '[address]')
      .replace(/\[?(?<![\w:])(?:[0-9a-f]{0,4}:){2,8}[0-9a-f]{1,4}\]?(?::\d{1,5})?(?![\w:])/gi, (m) =>
        m.includes('::') || m.split(':').length >= 6 ? '[address]' : m,
      );
  };
}
