import { ConfigError } from '../errors.js';

/**
 * Several config problems found in one validation run. Each issue is a ConfigError naming its file and
 * field; the message lists them all, one per line, so a user fixes everything in one pass.
 */
export class ConfigValidationError extends ConfigError {
  readonly issues: readonly ConfigError[];
  constructor(issues: readonly ConfigError[]) {
    const first = issues[0];
    super(
      issues.length === 1 && first !== undefined
        ? first.message
        : `${issues.length} configuration problems:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`,
      { ...(first?.file === undefined ? {} : { file: first.file }), ...(first?.field === undefined ? {} : { field: first.field }) },
    );
    this.issues = issues;
  }
}
