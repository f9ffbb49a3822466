import { formatCommand, type Command } from './command-runner';
import type { SystemContext } from './system-context';

/**
 * A list of commands that changes a trust store or a resolver file, some of
 * which need root. Executed directly when allowed; through sudo (terminal) or
 * pkexec (desktop session) when not; and otherwise handed back as the exact
 * lines the user must run.
 */

export interface PlannedCommand extends Command {
  /** Needs root (system stores, /etc files). */
  root: boolean;
  /** A failure of this command does not fail the plan (e.g. removing something that may be absent). */
  optional?: boolean;
}

export interface Plan {
  commands: PlannedCommand[];
  /** Things to tell the user regardless of outcome (e.g. "already trusted"). */
  notes: string[];
}

export type Elevation = 'not-needed' | 'sudo' | 'pkexec' | 'manual';

export interface PlanOutcome {
  outcome: 'done' | 'nothing-to-do' | 'failed' | 'manual';
  elevation: Elevation;
  /** Command lines actually run. */
  ran: string[];
  /** When outcome is 'manual': the exact lines to run, in order. */
  manual: string[];
  error?: string;
}

export function emptyPlan(...notes: string[]): Plan {
  return { commands: [], notes };
}

/** How root commands would be run in this context. */
export function elevationFor(plan: Plan, ctx: SystemContext): Elevation {
  if (!plan.commands.some((c) => c.root) || ctx.isRoot || ctx.platform === 'win32') return 'not-needed';
  if (ctx.interactive && ctx.hasProgram('sudo')) return 'sudo';
  const desktop = Boolean(ctx.env.DISPLAY || ctx.env.WAYLAND_DISPLAY);
  if (desktop && ctx.platform === 'linux' && ctx.hasProgram('pkexec')) return 'pkexec';
  return 'manual';
}

function elevated(command: PlannedCommand, via: 'sudo' | 'pkexec'): Command {
  return { cmd: via, args: [command.cmd, ...command.args], input: command.input };
}

/** The lines a user would type to apply the plan by hand. */
export function manualLines(plan: Plan, ctx: Pick<SystemContext, 'isRoot' | 'platform'>): string[] {
  return plan.commands.map((c) => {
    const line = formatCommand(c.root && !ctx.isRoot && ctx.platform !== 'win32' ? elevated(c, 'sudo') : c);
    if (c.input === undefined) return line;
    // Input becomes a here-document, so the printed line does exactly what Gatehouse would have done.
    const body = c.input.endsWith('\n') ? c.input : `${c.input}\n`;
    return `${line} > /dev/null <<'GATEHOUSE_EOF'\n${body}GATEHOUSE_EOF`;
  });
}

/**
 * The commands as they will run. pkexec asks for the password on every call
 * (sudo remembers it), so under pkexec consecutive root commands without stdin
 * are batched into one `sh -c`.
 */
function runSteps(plan: Plan, elevation: Elevation): Array<{ command: Command; optional: boolean }> {
  const steps: Array<{ command: Command; optional: boolean }> = [];
  let batch: PlannedCommand[] = [];
  const flush = () => {
    if (batch.length === 1) steps.push({ command: elevated(batch[0]!, 'pkexec'), optional: batch[0]!.optional === true });
    else if (batch.length > 1) {
      const script = batch.map((c) => (c.optional ? `{ ${formatCommand(c)} || true; }` : formatCommand(c))).join(' && ');
      steps.push({ command: { cmd: 'pkexec', args: ['sh', '-c', script] }, optional: false });
    }
    batch = [];
  };
  for (const c of plan.commands) {
    if (elevation === 'pkexec' && c.root && c.input === undefined) {
      batch.push(c);
      continue;
    }
    flush();
    const actual = c.root && (elevation === 'sudo' || elevation === 'pkexec') ? elevated(c, elevation) : c;
    steps.push({ command: actual, optional: c.optional === true });
  }
  flush();
  return steps;
}

export async function executePlan(plan: Plan, ctx: SystemContext): Promise<PlanOutcome> {
  const elevation = elevationFor(plan, ctx);
  if (plan.commands.length === 0) return { outcome: 'nothing-to-do', elevation, ran: [], manual: [] };
  if (elevation === 'manual') {
    return { outcome: 'manual', elevation, ran: [], manual: manualLines(plan, ctx) };
  }
  const ran: string[] = [];
  for (const { command, optional } of runSteps(plan, elevation)) {
    const result = await ctx.run(command);
    ran.push(formatCommand(command));
    if (result.code !== 0 && !optional) {
      const output = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ');
      return {
        outcome: 'failed',
        elevation,
        ran,
        manual: manualLines(plan, ctx),
        error: `\`${formatCommand(command)}\` exited with ${result.code}${output ? `: ${output}` : ''}`,
      };
    }
  }
  return { outcome: 'done', elevation, ran, manual: [] };
}
