/**
 * The one question asked before a sync token is kept unencrypted (no OS key
 * store, docs/security.md §3), shared by the sync settings and the
 * enrolment: asked only on `token-in-clear`, the command sent again with
 * consent only when the manager agrees, any other refusal passed on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ElMessageBox } from 'element-plus';
import { msg } from '../../shared/messages/catalogue';
import { CommandFailure } from '../../renderer/api';
import { withTokenInClearConsent } from '../../renderer/manager/token-in-clear';

const t = (key: string) => key;
const refusal = (rule: string) => new CommandFailure({ code: 'rule', message: rule, reason: msg('sync.tokenInClearConfirm'), rule });

afterEach(() => vi.restoreAllMocks());

describe('withTokenInClearConsent', () => {
  it('the manager agrees: the command goes again with consent', async () => {
    const confirm = vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never);
    const sent: boolean[] = [];
    const result = await withTokenInClearConsent(async (inClear) => {
      sent.push(inClear);
      if (!inClear) throw refusal('token-in-clear');
      return 'saved';
    }, t);
    expect(result).toBe('saved');
    expect(sent).toEqual([false, true]);
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it('the manager declines: the refusal comes back and nothing is sent again', async () => {
    vi.spyOn(ElMessageBox, 'confirm').mockRejectedValue('cancel');
    const sent: boolean[] = [];
    const failure = refusal('token-in-clear');
    await expect(
      withTokenInClearConsent(async (inClear) => {
        sent.push(inClear);
        throw failure;
      }, t),
    ).rejects.toBe(failure);
    expect(sent).toEqual([false]);
  });

  it('another refusal is passed on without a question', async () => {
    const confirm = vi.spyOn(ElMessageBox, 'confirm');
    const failure = refusal('bad-url');
    await expect(withTokenInClearConsent(async () => Promise.reject(failure), t)).rejects.toBe(failure);
    expect(confirm).not.toHaveBeenCalled();
  });
});
