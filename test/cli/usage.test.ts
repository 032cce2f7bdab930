import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  asUsage,
  choiceFlag,
  intFlag,
  isUsageError,
  numberFlag,
  optionalIntFlag,
  UsageError,
} from '../../src/cli/usage';
import { runEvalCommand } from '../../src/cli/eval';

const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
};

describe('command-line flags', () => {
  it('reads integers within bounds, and names the flag and the value otherwise', () => {
    expect(intFlag('seed', undefined, 7)).toBe(7);
    expect(intFlag('seed', '', 7)).toBe(7);
    expect(intFlag('seed', '0', 7)).toBe(0);
    expect(intFlag('port', '65535', 8000, 0, 65535)).toBe(65535);
    expect(optionalIntFlag('limit', undefined, 1)).toBeUndefined();
    expect(optionalIntFlag('limit', '3', 1)).toBe(3);
    // Given but empty (`--limit=`, `--max-tokens=`) is a mistake, not 0 below the flag's minimum.
    for (const name of ['limit', 'max-tokens', 'logprobs'])
      expect(thrown(() => optionalIntFlag(name, '', 1))).toMatchObject({
        name: 'UsageError',
        message: `--${name} needs a value`,
      });
    for (const [value, min, max, message] of [
      ['1.5', 0, undefined, "--n must be an integer ≥ 0 (got '1.5')"],
      ['-1', 0, undefined, "--n must be an integer ≥ 0 (got '-1')"],
      ['abc', 1, undefined, "--n must be an integer ≥ 1 (got 'abc')"],
      ['21', 1, 20, "--n must be an integer in 1..20 (got '21')"],
      ['1e400', 0, undefined, "--n must be an integer ≥ 0 (got '1e400')"],
    ] as const) {
      const err = thrown(() => intFlag('n', value, 0, min, max));
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(message);
    }
  });

  it('reads numbers in a range and one of a list of choices', () => {
    expect(numberFlag('temperature', '0.7', 0, 0, 2)).toBe(0.7);
    expect((thrown(() => numberFlag('temperature', 'NaN', 0, 0, 2)) as Error).message).toBe(
      "--temperature must be in [0, 2] (got 'NaN')",
    );
    expect(choiceFlag('by', 'global', ['problem', 'global'] as const)).toBe('global');
    expect((thrown(() => choiceFlag('by', 'row', ['problem', 'global'] as const)) as Error).message).toBe(
      "--by must be one of problem, global (got 'row')",
    );
  });

  it("counts parseArgs' mistakes and a bad input named on the command line as usage errors, and nothing else", () => {
    expect(isUsageError(thrown(() => parseArgs({ args: ['--bogus'], strict: true, options: {} })))).toBe(true);
    expect(isUsageError(thrown(() => asUsage(() => JSON.parse('{'))))).toBe(true);
    expect(isUsageError(new Error('disk full'))).toBe(false);
    expect(isUsageError(null)).toBe(false);
  });

  it('makes a bad integer flag of bestofn eval exit 2 with the message', async () => {
    const err: string[] = [];
    const sink = { write: (s: string) => err.push(s) };
    expect(await runEvalCommand(['--replay', 'x.jsonl', '--out', 'unused', '--logprobs', '25'], {}, sink, sink)).toBe(
      2,
    );
    expect(await runEvalCommand(['--replay', 'x.jsonl', '--out', 'unused', '--temperature', '3'], {}, sink, sink)).toBe(
      2,
    );
    expect(err).toEqual([
      "bestofn eval: --logprobs must be an integer in 1..20 (got '25')\n",
      "bestofn eval: --temperature must be in [0, 2] (got '3')\n",
    ]);
  });
});
