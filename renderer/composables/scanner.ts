/**
 * Keyboard-wedge scanners "type" a code very fast and end it with Enter.
 * Focus must never eat a scan: whatever is focused (the amount field, a
 * button, nothing) the burst is recognised here, in a window-level capture
 * listener that runs before any field or hotkey sees the keys.
 *
 * Rule: ≥ MIN_LENGTH printable keys, each within MAX_GAP_MS of the previous
 * one, followed by Enter within MAX_GAP_MS = a scan. People do not type four
 * keys in a row at under 35 ms each; scanners send a key every 1–15 ms.
 * The Enter of a scan is swallowed (so it never pays), and the characters the
 * burst already put into a focused text field are taken out again, restoring
 * the field as it was before the burst.
 */
export const SCAN_MIN_LENGTH = 4;
export const SCAN_MAX_GAP_MS = 35;

export interface ScanTarget {
  element: HTMLInputElement | HTMLTextAreaElement;
  /** The field's value just before the burst's first key. */
  before: string;
}

export interface ScanEvent {
  code: string;
  target: ScanTarget | null;
}

export class ScanDetector {
  private chars: string[] = [];
  private lastAt = -Infinity;
  private target: ScanTarget | null = null;

  constructor(
    private readonly minLength = SCAN_MIN_LENGTH,
    private readonly maxGapMs = SCAN_MAX_GAP_MS,
  ) {}

  /**
   * Feeds one keydown. Returns the scan when `key` is the Enter that ends a
   * burst (the caller swallows that Enter), otherwise null.
   */
  key(key: string, at: number, focused: Element | null = null): ScanEvent | null {
    const gap = at - this.lastAt;
    if (key === 'Enter') {
      const isScan = this.chars.length >= this.minLength && gap <= this.maxGapMs;
      const event = isScan ? { code: this.chars.join(''), target: this.target } : null;
      this.reset();
      return event;
    }
    if (key.length !== 1) {
      // Shift and friends come with scanned capitals: ignore them, but any
      // other non-printable key (arrows, F-keys, Backspace) ends a burst.
      if (key !== 'Shift' && key !== 'CapsLock') this.reset();
      return null;
    }
    if (gap > this.maxGapMs || this.chars.length === 0) {
      this.chars = [];
      this.target = snapshot(focused);
    }
    this.chars.push(key);
    this.lastAt = at;
    return null;
  }

  reset(): void {
    this.chars = [];
    this.lastAt = -Infinity;
    this.target = null;
  }
}

function snapshot(focused: Element | null): ScanTarget | null {
  if (!focused) return null;
  const tag = focused.tagName;
  if (tag !== 'INPUT' && tag !== 'TEXTAREA') return null;
  const element = focused as HTMLInputElement | HTMLTextAreaElement;
  return { element, before: element.value };
}

/** Puts a field back as it was before a burst typed into it (and tells v-model). */
export function restoreField(target: ScanTarget | null): void {
  if (!target) return;
  const { element, before } = target;
  if (element.value === before) return;
  element.value = before;
  element.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Installs the window-level capture listener; returns the remover. */
export function installScanner(onScan: (code: string) => void, detector = new ScanDetector()): () => void {
  const listener = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) {
      detector.reset();
      return;
    }
    const scan = detector.key(event.key, event.timeStamp || performance.now(), document.activeElement);
    if (!scan) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    restoreField(scan.target);
    onScan(scan.code);
  };
  window.addEventListener('keydown', listener, { capture: true });
  return () => window.removeEventListener('keydown', listener, { capture: true });
}
