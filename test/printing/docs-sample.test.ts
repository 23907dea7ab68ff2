/** docs/printing.md shows decoded sample receipts; they must be what the code prints today. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReceipt, renderEscPos } from '../../shared/receipt/index';
import { encodeGb18030 } from '../../electron/backend/printing/encode';
import { decodeEscPos, layoutLines } from '../support/escpos-decoder';
import { sampleData } from './sample';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'printing.md'), 'utf8');

describe('docs/printing.md samples', () => {
  for (const width of [58, 80] as const) {
    it(`the ${width} mm sample is the decoded receipt`, () => {
      const block = new RegExp(`<!-- sample:${width} -->\\n\`\`\`text\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
      expect(block, `sample:${width} block`).not.toBeNull();
      const receipt = buildReceipt(sampleData(), { width, copy: false });
      const decoded = decodeEscPos(renderEscPos(receipt, { commandSet: 'epson', encode: encodeGb18030 }), 'epson');
      expect(block![1]).toBe(layoutLines(decoded.receipts[0]!.lines, receipt.columns).join('\n'));
    });
  }
});
