import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionGenerator } from '../../../src/generator/sessions.js';

describe('SessionGenerator', () => {
  it('is deterministic for a seed', () => {
    assert.deepEqual(new SessionGenerator({ seed: 4 }).batch(500), new SessionGenerator({ seed: 4 }).batch(500));
    assert.notDeepEqual(new SessionGenerator({ seed: 4 }).batch(50), new SessionGenerator({ seed: 5 }).batch(50));
  });

  it('interleaves sessions in time order, each with consecutive positions over catalogue items', () => {
    const g = new SessionGenerator({ seed: 1, itemCount: 50, concurrentSessions: 10 });
    const clicks = g.batch(5000);
    const catalogue = new Set(g.items);
    const positions = new Map<string, number>();
    let interleaved = 0;
    for (let i = 0; i < clicks.length; i++) {
      const c = clicks[i]!;
      if (i > 0) {
        assert.ok(c.event_time > clicks[i - 1]!.event_time);
        if (c.session_id !== clicks[i - 1]!.session_id) interleaved++;
      }
      assert.ok(catalogue.has(c.item_id));
      assert.equal(c.position, positions.get(c.session_id) ?? 0);
      positions.set(c.session_id, c.position + 1);
    }
    assert.ok(interleaved > clicks.length / 2);
    assert.ok(positions.size > 100);
  });

  it('makes the next item predictable from the current one', () => {
    const g = new SessionGenerator({ seed: 2 });
    // Count, for each item, how often each successor follows it; a learnable stream concentrates mass.
    const next = new Map<string, Map<string, number>>();
    for (let s = 0; s < 5000; s++) {
      const clicks = g.nextSession();
      assert.ok(clicks.length >= 2);
      for (let i = 1; i < clicks.length; i++) {
        const m = next.get(clicks[i - 1]!.item_id) ?? new Map<string, number>();
        m.set(clicks[i]!.item_id, (m.get(clicks[i]!.item_id) ?? 0) + 1);
        next.set(clicks[i - 1]!.item_id, m);
      }
    }
    let top4 = 0;
    let total = 0;
    for (const m of next.values()) {
      const counts = [...m.values()].sort((a, b) => b - a);
      top4 += counts.slice(0, 4).reduce((a, b) => a + b, 0);
      total += counts.reduce((a, b) => a + b, 0);
    }
    // Random successors over 200 items would put ~2% of the mass on the top 4.
    assert.ok(top4 / total > 0.6, `top-4 successor share ${top4 / total}`);
  });
});
