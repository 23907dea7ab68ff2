/** `pos verify --db PATH`: exit 0 when every invariant holds, 1 naming each violation. */
import { existsSync } from 'node:fs';
import { openDatabase } from '../store/database';
import { verifyDatabase } from '../store/verify';
import { parseArgs, requireFlag, UsageError } from './args';

export function runVerify(argv: string[]): number {
  const args = parseArgs(argv, { value: ['db'] });
  const path = requireFlag(args, 'db');
  if (!existsSync(path)) throw new UsageError(`no database at ${path}`);
  const db = openDatabase(path, { readonly: true });
  try {
    const violations = verifyDatabase(db);
    for (const v of violations) process.stdout.write(`VIOLATION [${v.rule}] ${v.detail}\n`);
    if (violations.length > 0) {
      process.stdout.write(`${violations.length} violation(s)\n`);
      return 1;
    }
    process.stdout.write('ok: every invariant holds\n');
    return 0;
  } finally {
    db.close();
  }
}
