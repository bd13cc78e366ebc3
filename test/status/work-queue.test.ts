import { WorkQueue } from '../../src/status/controller/queue.js';

// The controller's queue is plain data structure code: tested directly, no API server involved.
describe('WorkQueue', () => {
  it('coalesces a key added many times while it waits into one hand-out', async () => {
    const q = new WorkQueue(10, 100);
    for (const k of ['a', 'b', 'a', 'a', 'b']) q.add(k);
    expect(q.length).toBe(2);
    expect([await q.get(), await q.get()]).toEqual(['a', 'b']);
    expect(q.length).toBe(0);
  });

  it('never hands a key to a second worker while the first holds it, and re-queues it on done', async () => {
    const q = new WorkQueue(10, 100);
    q.add('a');
    const first = await q.get();
    q.add('a'); // an event arrives while "a" is being reconciled
    expect(q.length).toBe(0);
    q.done(first!);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('wakes a waiting worker when a key arrives, and ends waiting workers with undefined on shutdown', async () => {
    const q = new WorkQueue(10, 100);
    const waiting = q.get();
    q.add('x');
    expect(await waiting).toBe('x');
    const idle = q.get();
    q.shutDown();
    expect(await idle).toBeUndefined();
  });

  it('retries with doubling delays up to the cap, and forget resets the count', () => {
    const q = new WorkQueue(100, 350);
    expect([q.addRateLimited('k'), q.addRateLimited('k'), q.addRateLimited('k'), q.addRateLimited('k')]).toEqual([100, 200, 350, 350]);
    q.forget('k');
    expect(q.addRateLimited('k')).toBe(100);
    q.shutDown();
  });

  it('adds a rate-limited key back after its delay', async () => {
    const q = new WorkQueue(20, 100);
    q.addRateLimited('later');
    expect(q.length).toBe(0);
    expect(await q.get()).toBe('later');
  });
});
