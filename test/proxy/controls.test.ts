import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTROLS, controlsSchema, controlsTable, headerName, type ControlName } from '../../src/proxy/controls';
import { startTestApp, type TestApp } from '../helpers/app';

const readme = fs.readFileSync('README.md', 'utf8');
const names = Object.keys(CONTROLS) as ControlName[];

/** A value of the wrong type for each control, as a body field and as header text. */
const WRONG: Partial<Record<ControlName, { body: unknown; header?: string }>> = {
  n: { body: 'four', header: '4x' },
  select: { body: 'maj', header: 'maj' },
  aggregate: { body: 'max', header: 'max' },
  temperature: { body: 9, header: '9' },
  min_candidates: { body: 0, header: '0' },
  deadline_ms: { body: -1, header: '1e3' },
  reject: { body: { after_tokens: 'soon' } },
  adaptive: { body: { waves: 'many' } },
  commit: { body: { margin: -1 } },
  tools: { body: 'all', header: 'all' },
  json: { body: 'lenient' },
  judge: { body: 'best', header: 'best' },
  answer: { body: 'letter', header: 'letter' },
};

describe('CONTROLS, the request controls table', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  const post = (bestofn: unknown, headers: Record<string, string> = {}) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        ...(bestofn ? { bestofn } : {}),
      }),
    });

  it("is the README's Controls table, row for row", () => {
    const start = readme.indexOf('<!-- controls');
    const table = readme.slice(readme.indexOf('\n', start) + 1, readme.indexOf('\n<!-- /controls -->'));
    expect(start).toBeGreaterThan(-1);
    expect(table).toBe(controlsTable());
  });

  it('yields the bestofn body schema: one optional field per body control, and no other', () => {
    const bodyNames = names.filter((n) => 'schema' in CONTROLS[n]);
    expect(Object.keys(controlsSchema.shape).sort()).toEqual([...bodyNames].sort());
    expect(controlsSchema.safeParse({}).success).toBe(true);
    expect(controlsSchema.safeParse({ unknown: 1 }).success).toBe(false);
  });

  it('refuses a wrong value of each control with a 400 naming the field or header the client sent', async () => {
    expect(Object.keys(WRONG).sort()).toEqual(names.filter((n) => 'schema' in CONTROLS[n]).sort());
    for (const [name, wrong] of Object.entries(WRONG) as [ControlName, { body: unknown; header?: string }][]) {
      const body = await post({ [name]: wrong.body });
      expect(body.status, name).toBe(400);
      expect(((await body.json()) as any).error.param, name).toMatch(new RegExp(`^bestofn\\.${name}\\b`));
      const header = 'header' in CONTROLS[name] && CONTROLS[name].header !== undefined;
      expect(header, `${name} has a header exactly when WRONG gives one`).toBe(wrong.header !== undefined);
      if (!header) continue;
      const res = await post(undefined, { [headerName(name)]: wrong.header! });
      expect(res.status, headerName(name)).toBe(400);
      expect(((await res.json()) as any).error.param).toBe(headerName(name));
    }
    expect(app.upstreamCalls).toHaveLength(0);
  });

  it('names the header when a header control is out of range for this request (min_candidates above N)', async () => {
    const res = await post({ n: 2 }, { [headerName('min_candidates')]: '3' });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as any).error;
    expect(error.param).toBe('x-bestofn-min-candidates');
    expect(error.message).toContain('x-bestofn-min-candidates');
    const body = await post({ n: 2, min_candidates: 3 });
    expect(((await body.json()) as any).error.param).toBe('bestofn.min_candidates');
  });
});
