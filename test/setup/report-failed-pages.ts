/**
 * Setup of the node test project: when a test fails while browser pages are
 * open, print what they showed (test/e2e/page-report.ts). Costs nothing for
 * tests without a browser.
 */
import { beforeEach } from 'vitest';
import { describeTrackedPages } from '../e2e/page-report';

beforeEach(({ onTestFailed, task }) => {
  onTestFailed(async () => {
    const report = await describeTrackedPages();
    if (report) console.error(`[browser pages when "${task.name}" failed]\n${report}`);
  });
});
