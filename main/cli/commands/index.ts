import type { CliCommand } from '../cli-command';
import { routeCommand } from './route';
import { startCommand } from './start';
import { caCommand } from './ca';
import { trustCommand } from './trust';
import { untrustCommand } from './untrust';
import { dnsCommand } from './dns';
import { doctorCommand } from './doctor';
import { trafficCommand } from './traffic';
import { harCommand } from './har';

/** Every `gatehouse <command>`, in the order `gatehouse --help` lists them. Add a command here. */
export const COMMANDS: readonly CliCommand[] = [
  startCommand,
  routeCommand,
  caCommand,
  trustCommand,
  untrustCommand,
  dnsCommand,
  doctorCommand,
  trafficCommand,
  harCommand,
];
