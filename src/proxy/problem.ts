import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** The problem a PRM judges: the text of the last user turn (text parts joined; images and audio ignored). */
export function problemOf(messages: readonly ChatCompletionMessageParam[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    return m.content
      .map((part) => (part.type === 'text' ? part.text : ''))
      .filter(Boolean)
      .join('\n');
  }
  return '';
}
