import { describe, expect, it } from 'vitest';
import { ConfigError, OPTIONS, parseConfig } from '../../src/config';
import { platformHttp } from '../../src/http/http-client';
import { createNodeScorer } from '../../src/scorer/create-node-scorer';
import { createPortableScorer } from '../../src/scorer/create-scorer';
import { PORTABLE_SCORER_NAMES, samplingNeeds, SCORER_NAMES, SCORERS } from '../../src/scorer/registry';
import { tempModel } from './onnx/fixtures';

const BASE = { UPSTREAM_BASE_URL: 'http://upstream.test/v1', LOG_LEVEL: 'silent' };
/** The least each scorer needs to be built: its required settings, nothing dialled. */
const MINIMAL: Record<string, () => Record<string, string>> = {
  vote: () => ({}),
  confidence: () => ({}),
  remote: () => ({ SCORER_URL: 'http://prm.test/v1', SCORER_MODEL: 'prm' }),
  verifier: () => ({ VERIFIER_BASE_URL: 'http://verifier.test/v1', VERIFIER_MODEL: 'v' }),
  onnx: () => ({ PRM_MODEL_DIR: tempModel('step-classifier'), SCORER_DEVICE: 'cpu' }),
  judge: () => ({ JUDGE_MODEL: 'judge-model' }),
};
const log = { info() {}, warn() {} };
const upstream = { http: platformHttp };

describe('SCORERS, the scorer registry', () => {
  it('is the SCORER enum: every name and only those parse, and --help lists them', () => {
    expect(SCORER_NAMES).toEqual(Object.keys(SCORERS));
    expect(Object.keys(MINIMAL).sort()).toEqual([...SCORER_NAMES].sort());
    for (const name of SCORER_NAMES)
      expect(parseConfig({ ...BASE, SCORER: name, ...MINIMAL[name]!() }).SCORER).toBe(name);
    expect(() => parseConfig({ ...BASE, SCORER: 'oracle' })).toThrow(ConfigError);
    expect(OPTIONS.SCORER.help).toBe(`Reward source: ${SCORER_NAMES.join(' | ')}`);
  });

  it('names only settings that exist, and each required one is enforced by parseConfig', () => {
    for (const [name, entry] of Object.entries(SCORERS)) {
      for (const option of entry.reads) expect(OPTIONS, `${name} reads ${option}`).toHaveProperty(option);
      // Without its settings, an entry with checks is refused, naming the missing option.
      if (!('check' in entry)) continue;
      expect(() => parseConfig({ ...BASE, SCORER: name }), name).toThrow(/is required when SCORER=/);
    }
  });

  it('builds every entry on Node, under its own name', async () => {
    for (const name of SCORER_NAMES) {
      const config = parseConfig({ ...BASE, SCORER: name, ...MINIMAL[name]!() });
      const scorer = await createNodeScorer(config, log, upstream);
      try {
        expect(scorer.name, name).toBe(name);
      } finally {
        await scorer.close?.();
      }
    }
  });

  it('builds every portable entry without Node, and refuses the others', () => {
    expect(PORTABLE_SCORER_NAMES).toEqual(['vote', 'remote', 'verifier', 'confidence', 'judge']);
    for (const name of SCORER_NAMES) {
      const config = parseConfig({ ...BASE, SCORER: name, ...MINIMAL[name]!() });
      if (SCORERS[name].portable) expect(createPortableScorer(config, log, upstream).name).toBe(name);
      else expect(() => createPortableScorer(config, log, upstream)).toThrow(/not available in this runtime/);
    }
  });

  it('keeps every scorer under its own name when JUDGE_MODEL lets requests ask for the judge', async () => {
    for (const name of SCORER_NAMES) {
      const config = parseConfig({ ...BASE, SCORER: name, ...MINIMAL[name]!(), JUDGE_MODEL: 'judge-model' });
      const scorer = await createNodeScorer(config, log, upstream);
      try {
        expect(scorer.name, name).toBe(name);
        if (name !== 'judge') expect(await scorer.health?.(), name).toHaveProperty('judge');
      } finally {
        await scorer.close?.();
      }
    }
  });

  it('says what each scorer needs from sampling: logprobs for confidence only', () => {
    for (const name of SCORER_NAMES) {
      const needs = samplingNeeds(
        parseConfig({ ...BASE, SCORER: name, ...MINIMAL[name]!(), CONFIDENCE_TOP_LOGPROBS: '7' }),
      );
      if (name === 'confidence') expect(needs).toEqual({ topLogprobs: 7, confidenceStop: { window: 2048, eta: 100 } });
      else expect(needs).toEqual({});
    }
  });
});
