import type { CliCommand } from '../cli-command';
import { routeCommand } from './route';
import { startCommand } from './start';

/** Every `gatehouse <command>`, in the order `gatehouse --help` lists them. Add a command here. */
export const COMMANDS: readonly CliCommand[] = [
  startCommand,
  routeCommand,
];
