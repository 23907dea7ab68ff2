/**
 * Saving a sync token where there is no OS key store (docs/security.md §3):
 * the backend refuses with `token-in-clear` until the manager agrees to keep
 * the token unencrypted. Both ways a token arrives — typed in the sync
 * settings, or traded for a one-time enrolment code — ask the same question
 * and send the same command again with `storeTokenInClear: true`.
 */
import { ElMessageBox } from 'element-plus';
import { CommandFailure } from '../api';
import { messageText } from '../i18n/messages';

/**
 * Runs `send(false)`; when the backend asks for consent, asks the manager
 * and, if they agree, runs `send(true)`. A refusal (or no consent) is thrown
 * as it came.
 */
export async function withTokenInClearConsent<T>(send: (storeTokenInClear: boolean) => Promise<T>, t: (key: string) => string): Promise<T> {
  try {
    return await send(false);
  } catch (e) {
    if (!(e instanceof CommandFailure && e.error.rule === 'token-in-clear')) throw e;
    const agreed = await ElMessageBox.confirm(messageText(e.error.reason), t('manager.details.tokenInClearTitle'), {
      confirmButtonText: t('manager.details.tokenInClearKeep'),
      cancelButtonText: t('common.cancel'),
      type: 'warning',
    }).then(
      () => true,
      () => false,
    );
    if (!agreed) throw e;
    return send(true);
  }
}
