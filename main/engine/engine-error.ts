import type { CodedError } from '../../shared/http-types';

/** An error the engine raises on purpose: a stable code, a message that says how to fix it, and an HTTP status. */
export class EngineError extends Error implements CodedError {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 500, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
    this.status = status;
  }

  toJSON(): CodedError & { status: number } {
    return { code: this.code, message: this.message, status: this.status };
  }
}
