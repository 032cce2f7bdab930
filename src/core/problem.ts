/** The smallest message shape both the chat request and the /v1/rewards request satisfy. */
interface Turn {
  role: string;
  content?: string | null | readonly { type: string; text?: string | null }[];
}

/** The problem a PRM judges: the text of the last user turn (text parts joined; images and audio ignored), empty when there is none. */
export function problemOf(messages: readonly Turn[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    return (m.content ?? []).flatMap((p) => (p.type === 'text' && p.text ? [p.text] : [])).join('\n');
  }
  return '';
}
