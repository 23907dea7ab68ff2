/**
 * Secrets for command-line tools come from an environment variable or a
 * file, never from argv: a command line is visible to every user of the
 * machine (`ps`, /proc/<pid>/cmdline) and stays in shell history
 * (docs/security.md §3).
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './args';

export const SYNC_TOKEN_ENV = 'POS_SYNC_TOKEN';

/** The refusal for a secret given on the command line. */
export function secretOnArgv(flag: string, env: string): UsageError {
  return new UsageError(`--${flag} is refused: a secret on the command line is visible to every user of this machine; use the ${env} environment variable or --${flag}-file FILE`);
}

/** The first line of `file` (trimmed), or the environment variable, or undefined. A file wins over the variable. */
export function readSecret(file: string | undefined, env: string, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the token file ${file}: ${(error as Error).message}`);
    }
    const first = text.split(/\r?\n/)[0]!.trim();
    if (!first) throw new UsageError(`the token file ${file} is empty`);
    return first;
  }
  const value = environment[env]?.trim();
  return value ? value : undefined;
}
