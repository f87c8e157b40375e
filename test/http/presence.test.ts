import { describe, expect, it } from 'vitest';
import { NEUTRAL_COLOR, type PresentUser } from '../../shared/presence.js';
import { api, createDesign, type DesignJson } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { startTestHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/wait.js';

type DesignSummaryJson = DesignJson & { present: PresentUser[] };

const byName = (a: PresentUser, b: PresentUser) => a.name.localeCompare(b.name);

describe('presence in the designs list', () => {
  it('lists the people who have a design open, from their awareness, until they leave', async () => {
    const { url, wsUrl } = await startTestHub();
    const id = await createDesign(url, 'open');
    const closed = await createDesign(url, 'closed');
    const room = `designs/${id}`;
    const ada = connectClient(wsUrl, room);
    const grace = connectClient(wsUrl, room, { readOnly: true });
    const careless = connectClient(wsUrl, room);
    const anonymous = connectClient(wsUrl, room);
    const everyone = [ada, grace, careless, anonymous];
    await Promise.all(everyone.map((client) => client.synced()));

    ada.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#ff0000' });
    grace.provider.awareness.setLocalStateField('user', { name: 'Grace', color: '#00FF00' });
    careless.provider.awareness.setLocalStateField('user', {
      name: 'Z'.repeat(500),
      color: 'red; background: url(https://evil.example)',
    });
    anonymous.provider.awareness.setLocalStateField('cursor', { x: 1, y: 2 });

    const presentIn = async (designId: string) => {
      const { body } = await api<DesignSummaryJson[]>(url, 'GET', '/api/designs');
      return body.find((design) => design.id === designId)!.present;
    };
    const present = await waitFor(
      async () => {
        const people = await presentIn(id);
        return people.length === 3 && people;
      },
      { what: 'three people to be present' },
    );
    expect([...present].sort(byName)).toEqual([
      { name: 'Ada', color: '#ff0000' },
      { name: 'Grace', color: '#00ff00' },
      { name: 'Z'.repeat(64), color: NEUTRAL_COLOR },
    ]);
    expect(await presentIn(closed)).toEqual([]);

    for (const client of everyone) client.destroy();
    await waitFor(async () => (await presentIn(id)).length === 0, {
      what: 'everyone to be gone',
    });
  });
});
