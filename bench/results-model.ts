import type { LoadResult } from './interleave';
import type { MachineInfo } from './machine';

/** A figure measured on Gatehouse alone (cold cert, memory, start-up, renderer). */
export interface ExtraResult {
  title: string;
  skipped?: string;
  figures: Record<string, number>;
  notes: string[];
}

export interface SubjectInfo {
  id: string;
  label: string;
  version?: string;
  notes: string[];
  skipped?: string;
}

export interface BenchResults {
  startedAt: string;
  durationS: number;
  mode: 'default' | 'quick';
  /** The command-line options the run was given. */
  args?: string[];
  rounds: number;
  secondsPerMeasurement: Record<string, number>;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  subjects: SubjectInfo[];
  loads: LoadResult[];
  extras: Record<string, ExtraResult>;
  notes: string[];
}

export const SUBJECT_ORDER = ['direct', 'gatehouse', 'gatehouse-norec', 'nginx', 'caddy', 'haproxy', 'node-http-proxy', 'node-floor', 'node-floor-bare', 'node-floor-cluster', 'node-llhttp', 'node-splice'] as const;
export const PEERS = ['nginx', 'caddy', 'haproxy', 'node-http-proxy', 'node-floor', 'node-floor-bare', 'node-floor-cluster', 'node-llhttp', 'node-splice'] as const;
