import { COMMON_USAGE } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { runTrustAction } from './trust';

const USAGE = `Usage: gatehouse untrust

Remove every Gatehouse root certificate (current and older ones) from the
stores \`gatehouse trust\` installs into, leaving them exactly as they were:
the same files, and on Debian/Ubuntu a byte-identical ca-certificates.crt.
${COMMON_USAGE}`;

export const untrustCommand: CliCommand = {
  name: 'untrust',
  summary: 'remove the local CA from the OS and browser stores',
  usage: USAGE,
  run: (args, ctx) => runTrustAction('untrust', args, ctx, USAGE),
};
