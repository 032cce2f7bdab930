import { InvalidRequestError } from '../errors';
import { readJsonObject } from '../http/json-body';
import { chatRequest, toChatRequest, type ChatBody } from './chat-request';
import { issueToError } from './request-issue';

const REQUIRED = ['model', 'messages'] as const;

/**
 * The chat request, read, depth-checked, parsed and validated: a typed value, or a 400 naming the real
 * param. Nothing is sent upstream before this returns.
 */
export async function readChatBody(request: Request): Promise<ChatBody> {
  const body = await readJsonObject(request);
  for (const key of REQUIRED) {
    const value = body[key];
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      throw new InvalidRequestError(
        key === 'messages' ? "'messages' is required and must be a non-empty array" : `'${key}' is required`,
        key,
        'missing_required_parameter',
      );
    }
  }
  const parsed = chatRequest.safeParse(body);
  if (!parsed.success) throw issueToError(parsed.error);
  return toChatRequest(parsed.data);
}
