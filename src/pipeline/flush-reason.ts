/** Why a batch left the KeyBatcher: full by events, full by bytes, its oldest event waited maxWaitMs, or drain. */
export const FLUSH_REASONS = ['size', 'bytes', 'time', 'drain'] as const;
export type FlushReason = (typeof FLUSH_REASONS)[number];
