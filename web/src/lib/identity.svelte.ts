/**
 * Who this browser is in a design: a display name and a colour, chosen on the first visit and
 * remembered in localStorage (accounts arrive with the auth issue).
 */

import { readStored, writeStored } from './storage';

export interface Identity {
  name: string;
  color: string;
}

const STORAGE_KEY = 'weft:identity';

/** Colours that read on both themes and stay distinct from each other. */
export const IDENTITY_COLORS = [
  '#e5484d',
  '#f76b15',
  '#d6a100',
  '#30a46c',
  '#12a594',
  '#0090ff',
  '#6e56cf',
  '#d6409f',
] as const;

const ANIMALS = ['Otter', 'Heron', 'Lynx', 'Marten', 'Ibis', 'Puffin', 'Gecko', 'Wombat', 'Koala'];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function stored(): Identity | undefined {
  try {
    const value = JSON.parse(readStored(STORAGE_KEY) ?? 'null') as Partial<Identity>;
    if (typeof value?.name === 'string' && typeof value.color === 'string') {
      return { name: value.name, color: value.color };
    }
  } catch {
    // A corrupt entry is treated as a first visit.
  }
  return undefined;
}

class IdentityStore {
  /** Set once the person has confirmed a name; until then the editor asks. */
  chosen = $state(stored() !== undefined);
  current = $state<Identity>(
    stored() ?? {
      name: `${pick(ANIMALS)} ${Math.floor(Math.random() * 90) + 10}`,
      color: pick(IDENTITY_COLORS),
    },
  );

  choose(identity: Identity): void {
    this.current = {
      name: identity.name.trim().slice(0, 64) || this.current.name,
      color: identity.color,
    };
    this.chosen = true;
    writeStored(STORAGE_KEY, JSON.stringify(this.current));
  }
}

export const identity = new IdentityStore();
