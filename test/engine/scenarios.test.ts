/**
 * Every scenario fixture (the spec's examples and our own, one per rule
 * family) must hold to the fen — through the in-memory store, and through
 * the real `simulate` command on a real SQLite file, whose full report must
 * equal the in-memory one.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryQueueStore } from '../../shared/engine/index';
import { parseScenarioText, replayScenario } from '../../shared/scenario';
import { matchesSubset } from '../support/scenario-helpers';

const run = promisify(execFile);
const FIXTURES = join(__dirname, '..', 'fixtures', 'scenarios');
const TSX = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const SIMULATE = join(__dirname, '..', '..', 'electron', 'backend', 'cli', 'simulate.ts');
const names = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.scenario.json'))
  .map((f) => f.replace('.scenario.json', ''));
const tempDir = mkdtempSync(join(tmpdir(), 'qrc-scenarios-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function simulate(args: string[]) {
  return run(TSX, [SIMULATE, ...args], { timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('scenario fixtures', () => {
  it('there are fixtures: the three examples of the spec and our own', () => {
    expect(names).toEqual(expect.arrayContaining(['seed-100-10pct-four-orders', 'seed-100-10pct-twelve-orders', 'seed-168-130pct-65pct']));
    expect(names.length).toBeGreaterThanOrEqual(9);
  });

  for (const name of names) {
    it(`${name}: the expected figures hold, in memory and through simulate on SQLite`, async () => {
      const text = readFileSync(join(FIXTURES, `${name}.scenario.json`), 'utf8');
      const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as unknown;
      const inMemory = replayScenario(parseScenarioText(text), new MemoryQueueStore());
      expect(matchesSubset(expected, inMemory)).toEqual([]);

      const db = join(tempDir, `${name}.db`);
      const { code, stdout, stderr } = await simulate([join(FIXTURES, `${name}.scenario.json`), '--db', db]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(inMemory);
    });
  }
});

describe('simulate refuses what is not a scenario', () => {
  const cases: [string, string][] = [
    ['not JSON', '{"events": ['],
    ['not an object', '[1, 2]'],
    ['no events', '{"base": {}}'],
    ['an event of no known type', '{"events": [{"type": "dance", "at": "2026-01-05T10:00:00+08:00"}]}'],
    ['an event without a time', '{"events": [{"type": "tick"}]}'],
    ['a time without offset', '{"events": [{"type": "tick", "at": "2026-01-05T10:00:00"}]}'],
    ['an unknown time zone', '{"timezone": "Mars/Olympus", "events": []}'],
    ['a bad base setting', '{"base": {"extractionBp": 10001}, "events": []}'],
    ['a float ratio', '{"cashier": {"defaultRatioBp": 100.5}, "events": []}'],
    ['an unknown setting', '{"cashier": {"extractoinBp": 100}, "events": []}'],
    ['lottery min above max', '{"cashier": {"lottery": {"minBp": 500, "maxBp": 100}}, "events": []}'],
    ['a member without level', '{"members": [{"id": "m1"}], "events": []}'],
  ];
  for (const [what, text] of cases) {
    it(`exit 2 with a message and nothing on stdout: ${what}`, async () => {
      const file = join(tempDir, `bad-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, text);
      const { code, stdout, stderr } = await simulate([file]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/simulate: .+/);
    });
  }

  it('exit 2 for a missing file and for unknown options', async () => {
    expect((await simulate([join(tempDir, 'missing.json')])).code).toBe(2);
    expect((await simulate([join(FIXTURES, `${names[0]}.scenario.json`), '--bogus'])).code).toBe(2);
  });

  it('refuses to replay into a database that already holds a scenario, leaving it unchanged', async () => {
    const db = join(tempDir, 'twice.db');
    const file = join(FIXTURES, 'seed-100-10pct-four-orders.scenario.json');
    expect((await simulate([file, '--db', db])).code).toBe(0);
    const before = readFileSync(db);
    const second = await simulate([file, '--db', db]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/already holds/);
    expect(readFileSync(db).equals(before)).toBe(true);
  });
});
