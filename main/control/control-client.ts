/**
 * How another process (the CLI) calls a running instance's control API: finds
 * it through <dataDir>/instance.json, then POST /api/<method> with the token.
 */
import * as http from 'node:http';
import type { ApiMethod, ApiParams, ApiResult, ApiReturn } from '../../shared/api-contract';
import { readInstanceFile, instanceFilePath } from '../instance/instance-file';
import { ApiFailure } from './api-error';

export interface ControlEndpoint {
  controlUrl: string;
  token: string;
}

/** The running instance's control endpoint, or a coded error saying that none runs. */
export function findRunningInstance(dataDir: string): ControlEndpoint {
  const record = readInstanceFile(dataDir);
  if (!record) {
    throw new ApiFailure('not-running', `Gatehouse is not running (no live instance in ${instanceFilePath(dataDir)}); start it with \`gatehouse start\``, 503);
  }
  if (!record.controlUrl || !record.token) {
    throw new ApiFailure('not-running', `the running Gatehouse (pid ${record.pid}) has no control API; restart it with a newer version`, 503);
  }
  return { controlUrl: record.controlUrl, token: record.token };
}

/** Calls one API method; resolves with the result or rejects with an ApiFailure carrying the server's code. */
export function callControl<M extends ApiMethod>(endpoint: ControlEndpoint, method: M, params: ApiParams<M>, timeoutMs = 120_000): Promise<ApiReturn<M>> {
  const url = new URL(`/api/${method}`, endpoint.controlUrl);
  const body = Buffer.from(JSON.stringify(params));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: url.pathname,
        headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: ApiResult<ApiReturn<M>>;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ApiResult<ApiReturn<M>>;
          } catch {
            reject(new ApiFailure('bad-response', `the control API answered ${res.statusCode} without a JSON result`, 502));
            return;
          }
          if (parsed.ok) resolve(parsed.result);
          else reject(new ApiFailure(parsed.error.code, parsed.error.message, parsed.error.status ?? res.statusCode ?? 500));
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new ApiFailure('timeout', `the control API did not answer within ${timeoutMs / 1000} s`, 504)));
    req.on('error', (err) => {
      if (err instanceof ApiFailure) reject(err);
      else reject(new ApiFailure('unreachable', `cannot reach Gatehouse at ${endpoint.controlUrl} (${err.message}); is it still running?`, 503));
    });
    req.end(body);
  });
}
