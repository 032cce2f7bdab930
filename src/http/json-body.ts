import { InvalidRequestError } from '../errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
import { parseJson } from '../core/parse-json';

/**
 * A request body as a JSON object, or a 400: not JSON, not an object, or nested deeper than
 * MAX_JSON_DEPTH (checked on the text, before parsing). The size limit is the body-limit middleware's.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new InvalidRequestError(
      `Request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
      null,
      'too_deeply_nested',
    );
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new InvalidRequestError('Request body is not valid JSON', null, 'invalid_json');
  const body = parsed.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidRequestError('Request body must be a JSON object', null, 'invalid_json');
  return body as Record<string, unknown>;
}
