/**
 * A date field that stops its keys (Element Plus's date editor does once text
 * is typed in it) does not hold the keyboard: F-keys and Ctrl+… still reach
 * the screen; the field keeps its own keys; nothing is handled twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pushLayer, resetHotkeys } from '../../renderer/composables/hotkeys';

afterEach(() => {
  resetHotkeys();
  document.body.innerHTML = '';
});

function dateField(): HTMLInputElement {
  const editor = document.createElement('div');
  editor.className = 'el-date-editor';
  const input = document.createElement('input');
  // What the date editor does with typed text: no key goes on.
  input.addEventListener('keydown', (e) => e.stopPropagation());
  editor.append(input);
  document.body.append(editor);
  input.focus();
  return input;
}

const press = (target: EventTarget, key: string, ctrlKey = false) => {
  const event = new KeyboardEvent('keydown', { key, ctrlKey, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
};

describe('command keys from a date field', () => {
  it('F3 and Ctrl+O reach the screen once; Enter, Esc and digits stay the field’s', () => {
    const seen: string[] = [];
    pushLayer(() => ({ F3: () => void seen.push('F3'), 'ctrl+o': () => void seen.push('ctrl+o'), Escape: () => void seen.push('Esc'), Enter: () => void seen.push('Enter') }));
    const field = dateField();
    expect(press(field, 'F3').defaultPrevented).toBe(true);
    press(field, 'o', true);
    press(field, 'Escape');
    press(field, 'Enter');
    press(field, '7');
    expect(seen).toEqual(['F3', 'ctrl+o']);
  });

  it('outside a date field a key is handled once, by the bubble phase as before', () => {
    const seen: string[] = [];
    pushLayer(() => ({ F3: () => void seen.push('F3') }));
    const input = document.createElement('input');
    document.body.append(input);
    press(input, 'F3');
    expect(seen).toEqual(['F3']);
  });
});
