import { bestOfNMetadataSchema, type BestOfNMetadata } from '../../src/core/bestofn-metadata';

/**
 * The `bestofn` object of a completion or a chunk, parsed with the schema the gateway's builder is typed by:
 * a field the gateway drops or sends with the wrong type fails here, not as an `any` deep in a test.
 */
export function metadataOf(x: object): BestOfNMetadata {
  return bestOfNMetadataSchema.parse('bestofn' in x ? x.bestofn : undefined);
}

/** The chunk's `bestofn`, when it carries one (the finish chunk of a stream). */
export const chunkMetadata = (x: object): BestOfNMetadata | undefined => ('bestofn' in x ? metadataOf(x) : undefined);
