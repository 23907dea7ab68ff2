/**
 * Feeds the customer display (客显) from the checkout: while the cashier
 * types, the amount due and the deductions (`display.typing`, at most every
 * 150 ms); when the sale is cleared for the next customer, `display.idle`.
 * The payment itself and a draw reach the display from the backend. A failed
 * update never touches the sale: the display just keeps its last state.
 */
import { onBeforeUnmount, watch } from 'vue';
import { call } from '../api';
import { useCheckoutStore } from '../stores/checkout';

export function useCustomerDisplayFeed(): void {
  const checkout = useCheckoutStore();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const send = (amountDueFen: number | null, deductionFen: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const request = amountDueFen && amountDueFen > 0 ? call('display.typing', { amountDueFen, deductionFen }) : call('display.idle', {});
      request.catch((error: unknown) => console.warn('customer display not updated', error));
    }, 150);
  };
  watch(
    () => {
      const f = checkout.figures;
      return [checkout.result ? 'paid' : 'open', f.amountDueFen, f.pointsFen + f.loveFen] as const;
    },
    ([state, due, deduction], previous) => {
      if (state === 'paid') return; // the backend shows the result
      if (previous?.[0] === 'paid' || due !== previous?.[1] || deduction !== previous?.[2]) send(due, deduction);
    },
  );
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer);
  });
}
