/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as TypeScript types,
 * plus Gatehouse's `_gatehouse` extension on entries. Pure types only.
 */
import type { RawHeaders, TlsInfo } from './http-types';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  params?: Array<{ name: string; value?: string; fileName?: string; contentType?: string; comment?: string }>;
  text?: string;
  /** Non-standard but common (Chromium, HTTP Toolkit): "base64" when text is base64. */
  encoding?: string;
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

export interface HarWsMessage {
  type: 'send' | 'receive';
  /** Seconds since epoch (Chromium's _webSocketMessages convention). */
  time: number;
  opcode: number;
  /** Text, or base64 for binary opcodes. */
  data: string;
}

/** Gatehouse's per-entry extension: what the proxy did, beyond the client-facing view. */
export interface GatehouseEntryExtension {
  id?: string;
  /**
   * The Host as the client sent it, when it cannot be the URL's host (none was
   * sent, or it is not a valid URL host): request.url then has a placeholder.
   */
  host?: string;
  routeId?: string;
  target?: string;
  clientAddress?: string;
  clientPort?: number;
  tls?: TlsInfo;
  forwardedMethod?: string;
  forwardedPath?: string;
  /** Raw [name, value] pairs, original case and order. */
  clientRequestHeaders?: RawHeaders;
  forwardedRequestHeaders?: RawHeaders;
  upstreamResponseHeaders?: RawHeaders;
  clientResponseHeaders?: RawHeaders;
  upstreamStatus?: number;
  requestBodySize?: number;
  requestBodyTruncated?: boolean;
  responseBodyTruncated?: boolean;
  error?: { code: string; message: string };
  replayOf?: string;
  notes?: string[];
  redacted?: boolean;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _gatehouse?: GatehouseEntryExtension;
  _webSocketMessages?: HarWsMessage[];
  [extension: `_${string}`]: unknown;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number; comment?: string };
  comment?: string;
}

export interface HarLog {
  version: string;
  creator: { name: string; version: string; comment?: string };
  browser?: { name: string; version: string; comment?: string };
  pages?: HarPage[];
  entries: HarEntry[];
  comment?: string;
}

export interface Har {
  log: HarLog;
}
