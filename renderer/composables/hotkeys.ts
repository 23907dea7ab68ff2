/**
 * Screen hotkeys. Every action has a key (F-keys, Enter, Esc); the key is
 * printed on its button. Layers stack: a dialog pushes a layer that, while
 * open, is the only one that sees keys (`modal`), so Esc closes the top-most
 * thing and Enter confirms it, never the screen below.
 */
import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';

export type HotkeyHandler = (event: KeyboardEvent) => void | boolean;
export type HotkeyMap = Record<string, HotkeyHandler>;

interface Layer {
  id: number;
  keys: () => HotkeyMap;
  modal: boolean;
}

const layers: Layer[] = [];
let nextId = 1;
let installed = false;

/** "F5", "Enter", "Escape", "ctrl+l", "/" … */
export function keyName(event: KeyboardEvent): string {
  const key = event.key === 'Esc' ? 'Escape' : event.key;
  return event.ctrlKey || event.metaKey ? `ctrl+${key.toLowerCase()}` : key;
}

function isTyping(event: KeyboardEvent): boolean {
  const el = event.target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable;
}

/** Events already offered to the layers in the capture phase (so the bubble phase does not offer them twice). */
const offered = new WeakSet<KeyboardEvent>();

function onKeydown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing || offered.has(event)) return;
  offered.add(event);
  const name = keyName(event);
  // Printable keys typed into a field belong to the field ('+' = split
  // tender, '-' = take that tender line away and '*' = amount received are
  // the exceptions: amounts never contain them; a screen's handler returns
  // false to let one type, as the member field does).
  if (name.length === 1 && name !== '+' && name !== '-' && name !== '*' && isTyping(event)) return;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const handler = layer.keys()[name];
    if (handler) {
      const result = handler(event);
      if (result !== false) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
    }
    if (layer.modal) return;
  }
}

/**
 * Command keys (F1–F12, Ctrl+…) typed in a date field, taken before the field.
 * Element Plus's date editor stops every key from going on once text is typed
 * in it (its `userInput`), so with 2026-13-40 or a phone number typed in the
 * line's date range F3, Ctrl+O, F1 … did nothing — the keyboard was held there
 * until Tab. Other keys (digits, Enter, Esc, arrows) stay the field's.
 */
function onKeydownCapture(event: KeyboardEvent): void {
  const target = event.target as HTMLElement | null;
  if (!target?.closest?.('.el-date-editor, .el-picker-panel')) return;
  const name = keyName(event);
  if (!/^F(?:[1-9]|1[0-2])$/.test(name) && !name.startsWith('ctrl+')) return;
  onKeydown(event);
}

function ensureInstalled(): void {
  if (installed) return;
  window.addEventListener('keydown', onKeydown);
  window.addEventListener('keydown', onKeydownCapture, true);
  installed = true;
}

export function pushLayer(keys: () => HotkeyMap, modal = false): () => void {
  ensureInstalled();
  const layer: Layer = { id: nextId++, keys, modal };
  layers.push(layer);
  return () => {
    const at = layers.findIndex((l) => l.id === layer.id);
    if (at >= 0) layers.splice(at, 1);
  };
}

/** Keys of a screen while it is mounted. */
export function useHotkeys(keys: () => HotkeyMap): void {
  let remove: (() => void) | null = null;
  onMounted(() => {
    remove = pushLayer(keys);
  });
  onBeforeUnmount(() => remove?.());
}

/** Keys of a dialog while `open` is true; modal: the screen below sees nothing. */
export function useModalHotkeys(open: Ref<boolean>, keys: () => HotkeyMap): void {
  let remove: (() => void) | null = null;
  watch(
    open,
    (isOpen) => {
      remove?.();
      remove = isOpen ? pushLayer(keys, true) : null;
    },
    { immediate: true },
  );
  onBeforeUnmount(() => remove?.());
}

/** For tests. */
export function resetHotkeys(): void {
  layers.splice(0, layers.length);
}
