/**
 * Credentials written inside URLs (`redis://user:password@host`, `?api_key=…`), masked in a text that
 * is about to be printed: a config error quotes the value it refuses, and that value may hold them.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi;
const SECRET_PARAM =
  /([?&;][\w.-]*(?:key|token|secret|passw(?:or)?d|pwd|sig(?:nature)?|auth|credential)[\w.-]*=)[^&\s'"#]*/gi;

export function redactCredentials(text: string): string {
  return text.replace(USERINFO, '$1***@').replace(SECRET_PARAM, '$1***');
}
