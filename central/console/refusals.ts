/**
 * Refused batches, counted per register (migration 008) for the console: the
 * service answers them to the register (which retries or stops, docs/sync.md)
 * and notes here how many, the last answer and when. Written off the ack's
 * path: the ack never waits for this row.
 */
import type { BatchAck } from '../../shared/sync/protocol';
import type { Queryable } from '../db/adapter';
import { count } from './html';

export async function recordBatchRefusal(db: Queryable, register: number, answer: BatchAck, at: number): Promise<void> {
  if (answer.ok) return;
  await db.query(
    `INSERT INTO register_refusals AS x (register, refusals, last_code, expected_seq, last_at) VALUES ($1, 1, $2, $3, $4)
     ON CONFLICT (register) DO UPDATE SET refusals = x.refusals + 1, last_code = $2, expected_seq = $3, last_at = $4`,
    [register, answer.error.code, answer.error.expectedSeq ?? null, at],
  );
}

/** A refused batch's answer in words for the operator, with what happens next. */
export function batchRefusalText(code: string | null, expectedSeq: number | null): string {
  switch (code) {
    case 'gap':
      return `收银台发来的记录不连续${expectedSeq ? `（服务器在等第 ${count(expectedSeq)} 条）` : ''}，收银台会自动从缺的那条补发`;
    case 'conflict':
      return '收银台发来的记录和服务器已有的同号记录不一样（多半是收银台从备份恢复过），上传已停下，请按“灾难恢复”一节处理';
    case 'invalid':
      return '收银台发来的记录格式不对，被拒收；请把收银台升级到最新版本';
    case 'internal':
      return '服务器当时没能保存，收银台会自动重试；一直出现请检查数据库';
    case null:
      return '';
    default:
      return '上传被拒收';
  }
}
