/** Headers as raw [name, value] pairs: original case and order survive (a recorder needs that). */
export type RawHeaders = Array<[name: string, value: string]>;

export type HttpVersion = '1.0' | '1.1' | '2';

export interface TlsInfo {
  sni?: string;
  alpn?: string;
  version?: string;
  cipher?: string;
}

/** A coded error as it crosses every boundary (HTTP, IPC, CLI). */
export interface CodedError {
  code: string;
  message: string;
}
