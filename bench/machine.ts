import * as fs from 'node:fs';
import * as os from 'node:os';
import { runToEnd } from './processes';
import { findExecutable } from './workspace';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGB: number;
  kernel: string;
  node: string;
  loadAverageAtStart: number[];
  tools: Record<string, string>;
}

async function versionOf(bin: string, args: string[], pattern: RegExp): Promise<string> {
  const path = findExecutable(bin);
  if (!path) return 'not installed';
  const r = await runToEnd(`${bin} version`, path, args, 5000);
  return r.output.match(pattern)?.[1] ?? r.output.trim().split('\n')[0] ?? 'unknown';
}

export async function describeMachine(): Promise<MachineInfo> {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel,
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    tools: {
      wrk: await versionOf('wrk', ['--version'], /wrk (\S+)/),
      h2load: await versionOf('h2load', ['--version'], /nghttp2\/(\S+)/),
      openssl: await versionOf('openssl', ['version'], /OpenSSL (\S+)/),
    },
  };
}
