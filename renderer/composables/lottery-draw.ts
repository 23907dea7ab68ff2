import { ref, type Ref } from 'vue';
import type { EntryView } from '../../shared/contract';
import { call, errorMessage } from '../api';

/**
 * One lottery draw for an entry, shared by the result panel and the line's
 * entry details: the dialog opens at once (the customer sees the draw
 * happen), the recorded result or the refusal fills it in, and `onDrawn`
 * hands the updated entry back to whoever shows it.
 */
export function useLotteryDraw(entry: Ref<EntryView | null>, onDrawn: (updated: EntryView) => void) {
  const drawOpen = ref(false);
  const drawnBp = ref<number | null>(null);
  const drawAt = ref<number | null>(null);
  const drawError = ref<string | null>(null);

  async function draw() {
    if (!entry.value?.canDraw || drawOpen.value) return;
    drawnBp.value = null;
    drawAt.value = null;
    drawError.value = null;
    drawOpen.value = true;
    try {
      const result = await call('queue.draw', { orderId: entry.value.orderId });
      drawAt.value = Date.now();
      drawnBp.value = result.drawnBp;
      onDrawn(result.entry);
    } catch (e) {
      drawError.value = errorMessage(e);
    }
  }

  return { drawOpen, drawnBp, drawAt, drawError, draw };
}
