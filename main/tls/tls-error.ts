/** An error from the CA or the HTTPS listener, with a stable code for logs, the API and tests. */
export type TlsErrorCode =
  | 'CA_NAME_NOT_PERMITTED'
  | 'CA_NAME_INVALID'
  | 'SNI_NO_ROUTE'
  | 'SNI_MISSING'
  | 'CA_CORRUPT'
  | 'CA_DAMAGED';

export class TlsError extends Error {
  readonly code: TlsErrorCode;

  constructor(code: TlsErrorCode, message: string) {
    super(message);
    this.name = 'TlsError';
    this.code = code;
  }
}
