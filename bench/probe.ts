import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import WebSocket from 'ws';
import { LARGE_SIZE, SMALL_BODY } from './backends/backend';

/**
 * One real request before a subject is measured, so that a misconfigured subject
 * (404, redirect, wrong body) is reported rather than benchmarked at full speed.
 * Resolves to undefined when fine, or to what went wrong.
 */
export async function probeHttp(url: string, expect: 'small' | 'large' = 'small'): Promise<string | undefined> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = mod.get(url, { rejectUnauthorized: false, servername: u.hostname, agent: false, timeout: expect === 'large' ? 30_000 : 10_000 }, (res) => {
      let size = 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (expect === 'small') chunks.push(c);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve(`GET ${url} answered ${res.statusCode}`);
        if (expect === 'small' && Buffer.concat(chunks).toString() !== SMALL_BODY)
          return resolve(`GET ${url} returned an unexpected body`);
        if (expect === 'large' && size !== LARGE_SIZE) return resolve(`GET ${url} returned ${size} bytes, expected ${LARGE_SIZE}`);
        resolve(undefined);
      });
      res.on('error', (e) => resolve(`GET ${url}: ${e.message}`));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve(`GET ${url}: ${e.message}`));
  });
}

export async function probeH2(url: string): Promise<string | undefined> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const session = http2.connect(u.origin, { rejectUnauthorized: false, servername: u.hostname });
    const timer = setTimeout(() => done('HTTP/2 probe timed out'), 10_000);
    const done = (why: string | undefined) => {
      clearTimeout(timer);
      session.destroy();
      resolve(why);
    };
    session.on('error', (e) => done(`HTTP/2 ${url}: ${e.message}`));
    const req = session.request({ ':path': u.pathname });
    let body = '';
    let status = 0;
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => done(status === 200 && body === SMALL_BODY ? undefined : `HTTP/2 ${url} answered ${status}`));
    req.on('error', (e) => done(`HTTP/2 ${url}: ${e.message}`));
  });
}

export async function probeWs(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { rejectUnauthorized: false, handshakeTimeout: 5000 });
    const timer = setTimeout(() => done('WebSocket probe timed out'), 10_000);
    const done = (why: string | undefined) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(why);
    };
    ws.on('open', () => ws.send('ping'));
    ws.on('message', (d) => done(d.toString() === 'ping' ? undefined : 'WebSocket echo mismatch'));
    ws.on('unexpected-response', (_req, res) => done(`WebSocket ${url} answered ${res.statusCode}`));
    ws.on('error', (e) => done(`WebSocket ${url}: ${e.message}`));
  });
}
