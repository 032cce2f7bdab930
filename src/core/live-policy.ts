import { z } from 'zod';

/**
 * The live path's policies as data: the shape a client sends in `bestofn.reject` / `bestofn.adaptive` and
 * the server default in BESTOFN_REJECT / BESTOFN_ADAPTIVE. The types are the schemas' output, so the two
 * cannot drift; the rules that apply them are in proxy/live/policy.ts.
 */
export const rejectPolicySchema = z.strictObject({
  /** First checkpoint once every running candidate has generated this many tokens. */
  after_tokens: z.number().int().min(1),
  /** Then again every this many tokens. */
  every_tokens: z.number().int().min(1),
  /** Share of the candidates still in the race that survive a checkpoint. */
  keep_fraction: z.number().gt(0).max(1),
  /** Never fewer than this many survive. */
  min_keep: z.number().int().min(1).default(1),
});

export const stopRuleSchema = z
  .strictObject({
    /** Share of finished candidates that agree on the most common answer. */
    agreement: z.number().gt(0).max(1).optional(),
    /** The best finished candidate's reward. */
    top_reward: z.number().optional(),
    /** Lead of the best finished reward over the second. */
    margin: z.number().min(0).optional(),
  })
  .refine(
    (r) => r.agreement !== undefined || r.top_reward !== undefined || r.margin !== undefined,
    'name at least one rule',
  );

export const adaptivePolicySchema = z.strictObject({
  /** Cumulative candidate counts, e.g. [4, 8, 16]: draw 4, then 4 more, then 8 more. */
  waves: z
    .array(z.number().int().min(1))
    .min(1)
    .refine((w) => w.every((x, i) => i === 0 || x > w[i - 1]!), 'waves must increase'),
  stop_when: stopRuleSchema,
});

export type RejectPolicy = z.output<typeof rejectPolicySchema>;
export type StopRule = z.output<typeof stopRuleSchema>;
export type AdaptivePolicy = z.output<typeof adaptivePolicySchema>;
