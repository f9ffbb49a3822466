import { formatConfigIssue, type ConfigIssue } from '../../shared/config';
import type { CodedError } from '../../shared/http-types';

export type ConfigErrorCode =
  /** The file does not parse or does not validate; `issues` says where and why. */
  | 'CONFIG_INVALID'
  /** The file does not exist (and this operation does not create it). */
  | 'CONFIG_MISSING'
  /** The file could not be read or written. */
  | 'CONFIG_IO'
  /** The file is read-only (no owner write bit); edits leave it alone. */
  | 'CONFIG_READ_ONLY'
  /** The file kept changing under a route edit; nothing was written. */
  | 'CONFIG_BUSY'
  | 'ROUTE_EXISTS'
  | 'ROUTE_NOT_FOUND';

const STATUS: Record<ConfigErrorCode, number> = {
  CONFIG_INVALID: 422,
  CONFIG_MISSING: 409,
  CONFIG_IO: 500,
  CONFIG_READ_ONLY: 409,
  CONFIG_BUSY: 409,
  ROUTE_EXISTS: 409,
  ROUTE_NOT_FOUND: 404,
};

/** An error from the config layer: a stable code, an HTTP status, and for invalid files the located issues. */
export class ConfigError extends Error implements CodedError {
  readonly code: ConfigErrorCode;
  readonly status: number;
  readonly issues: readonly ConfigIssue[];

  constructor(code: ConfigErrorCode, message: string, issues: readonly ConfigIssue[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
    this.code = code;
    this.status = STATUS[code];
    this.issues = issues;
  }

  /** "<file> is not valid; nothing was changed" followed by one line per issue. */
  static invalid(file: string, issues: readonly ConfigIssue[], consequence: string): ConfigError {
    const lines = issues.map(formatConfigIssue);
    return new ConfigError('CONFIG_INVALID', [`${file} is not valid (${consequence}):`, ...lines.map((l) => `  ${l}`)].join('\n'), issues);
  }

  toJSON(): CodedError & { status: number; issues: readonly ConfigIssue[] } {
    return { code: this.code, message: this.message, status: this.status, issues: this.issues };
  }
}
