/**
 * Light, dark or the system's choice, remembered per browser. The resolved theme is set as
 * `data-theme` on <html>, where theme.css picks its palette.
 */

import { readStored, writeStored } from './storage';

export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'weft:theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

function storedChoice(): ThemeChoice {
  const value = readStored(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

class ThemeStore {
  choice = $state<ThemeChoice>(storedChoice());
  private systemIsDark = $state(systemDark.matches);
  resolved = $derived<'light' | 'dark'>(
    this.choice === 'system' ? (this.systemIsDark ? 'dark' : 'light') : this.choice,
  );

  constructor() {
    systemDark.addEventListener('change', (event) => (this.systemIsDark = event.matches));
    $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.resolved;
      });
    });
  }

  /** Cycles system → light → dark. */
  next(): void {
    this.choice = this.choice === 'system' ? 'light' : this.choice === 'light' ? 'dark' : 'system';
    writeStored(STORAGE_KEY, this.choice);
  }
}

export const theme = new ThemeStore();
