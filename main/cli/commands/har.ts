import * as fs from 'node:fs';
import * as path from 'node:path';
import { HAR_IMPORT_LIMITS, HarImportError, parseHarText } from '../../../shared/har-import';
import { writeFileAtomic } from '../../config/atomic-file';
import { ApiFailure } from '../../control/api-error';
import { callControl, findRunningInstance } from '../../control/control-client';
import { COMMON_OPTIONS, COMMON_USAGE, parseCommandArgs, pathsFrom } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { CliFailure, EXIT_OK, println, UsageError } from '../cli-context';

/** `gatehouse har export|import`: HAR files from and into the running instance, through its control API. */

/**
 * The har.import params for a file's text: the parsed document, not the text. Text would be
 * escaped once more inside the request's JSON, which for a HAR full of JSON bodies (\" all
 * over) nearly doubles it, past the control API's body limit for files well under the HAR
 * limit. A file that is not JSON is reported here, with where it breaks.
 */
export function harImportParams(text: string, file: string): { har: unknown } {
  let har: unknown;
  try {
    har = parseHarText(text);
  } catch (err) {
    if (err instanceof HarImportError) throw new CliFailure(`cannot import ${file}: ${err.message}`);
    throw err;
  }
  return { har };
}

const USAGE = `Usage: gatehouse har export [-o FILE] [--redact]
       gatehouse har import FILE

export   write the recorded exchanges as a HAR 1.2 file (stdout without -o;
         the file is created readable by you only, since it may hold secrets)
           -o, --output FILE   where to write
           --redact            mask credentials: Authorization, cookies, API-key and token headers,
                               secret-named query, form and JSON fields (token, code, key, password, …)
import   load a HAR file (Chromium, Firefox, HTTP Toolkit, Gatehouse) as exchanges;
         a broken file imports nothing and the error names the entry and field
${COMMON_USAGE}`;

const EXPORT_OPTIONS = { ...COMMON_OPTIONS, output: { type: 'string', short: 'o' }, redact: { type: 'boolean' } } as const;

export const harCommand: CliCommand = {
  name: 'har',
  summary: 'export recorded traffic as HAR, or import a HAR file',
  usage: USAGE,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      println(sub === undefined ? ctx.stderr : ctx.stdout, USAGE);
      return sub === undefined ? 2 : EXIT_OK;
    }
    if (sub === 'export') {
      const { values } = parseCommandArgs('har export', rest, EXPORT_OPTIONS, false);
      if (values.help) {
        println(ctx.stdout, USAGE);
        return EXIT_OK;
      }
      const endpoint = findRunningInstance(pathsFrom(values, ctx).dataDir);
      const { har } = await callControl(endpoint, 'har.export', { redact: values.redact === true });
      const text = `${JSON.stringify(har, null, 2)}\n`;
      if (values.output === undefined || values.output === '-') {
        ctx.stdout.write(text);
        return EXIT_OK;
      }
      const file = path.resolve(ctx.cwd, values.output);
      await writeFileAtomic(file, text, { mode: 0o600 });
      // An existing file keeps its mode through the atomic rename; a HAR may hold secrets, so tighten it.
      fs.chmodSync(file, 0o600);
      println(ctx.stderr, `exported ${har.log.entries.length} exchange(s)${values.redact ? ' (redacted)' : ''} to ${file}`);
      return EXIT_OK;
    }
    if (sub === 'import') {
      const { values, positionals } = parseCommandArgs('har import', rest, COMMON_OPTIONS, true);
      if (values.help) {
        println(ctx.stdout, USAGE);
        return EXIT_OK;
      }
      if (positionals.length !== 1) throw new UsageError('give exactly one HAR file to import', 'har import');
      const file = path.resolve(ctx.cwd, positionals[0]!);
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch (err) {
        throw new CliFailure(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      if (size > HAR_IMPORT_LIMITS.maxBytes) {
        throw new CliFailure(`${file} is too large to import (${size} bytes; the limit is ${HAR_IMPORT_LIMITS.maxBytes} bytes)`);
      }
      const endpoint = findRunningInstance(pathsFrom(values, ctx).dataDir);
      const text = fs.readFileSync(file, 'utf8');
      let sent;
      try {
        sent = callControl(endpoint, 'har.import', harImportParams(text, file));
      } catch (err) {
        // Nested too deeply to serialise again here: send the text, for the engine to say what is wrong.
        if (!(err instanceof RangeError)) throw err;
        sent = callControl(endpoint, 'har.import', { har: text });
      }
      let result;
      try {
        result = await sent;
      } catch (err) {
        // The engine checks the HAR's structure; say which file its answer is about.
        if (err instanceof ApiFailure && err.status < 500) throw new CliFailure(`cannot import ${file}: ${err.message}`);
        throw err;
      }
      println(ctx.stdout, `imported ${result.imported} exchange(s) from ${file}`);
      if (result.skipped.length > 0) println(ctx.stdout, `skipped ${result.skipped.length} entr${result.skipped.length === 1 ? 'y' : 'ies'}: ${[...new Set(result.skipped.map((s) => s.reason))].join('; ')}`);
      return EXIT_OK;
    }
    throw new UsageError(`unknown har command "${sub}"; use export or import`, 'har');
  },
};
