import { setImmediate as turn } from 'node:timers/promises';
import { AnswerBurst, type Answerable } from '../../src/server/answer-burst.js';

/** A reply that records, in one shared log, what was written on it and whether it was destroyed. */
function reply(name: string, log: string[], fails = false): Answerable & { destroyed?: Error } {
  const r: Answerable & { destroyed?: Error } = {
    send(payload: unknown) {
      if (fails) throw new Error(`${name} cannot be written`);
      log.push(`${name}:${JSON.stringify(payload)}`);
      return r;
    },
    raw: {
      destroy(error?: Error) {
        r.destroyed = error;
        log.push(`${name}:destroyed`);
      },
    },
  };
  return r;
}

describe('AnswerBurst', () => {
  it('writes nothing while the event loop is still reading, then every answer in the order given', async () => {
    const log: string[] = [];
    const burst = new AnswerBurst();
    burst.send(reply('a', log), { n: 1 });
    burst.send(reply('b', log), { n: 2 }, () => log.push('b:sent'));
    burst.send(reply('c', log), { n: 3 });
    expect(log).toEqual([]);
    expect(burst.size).toBe(3);
    await turn();
    expect(log).toEqual(['a:{"n":1}', 'b:{"n":2}', 'b:sent', 'c:{"n":3}']);
    expect(burst.size).toBe(0);
  });

  it('writes at once when the burst is full, so that no answer waits for more than maxBurst - 1 others', async () => {
    const log: string[] = [];
    const burst = new AnswerBurst({ maxBurst: 2 });
    burst.send(reply('a', log), 1);
    expect(log).toEqual([]);
    burst.send(reply('b', log), 2);
    expect(log).toEqual(['a:1', 'b:2']);
    burst.send(reply('c', log), 3);
    expect(log).toEqual(['a:1', 'b:2']);
    await turn();
    expect(log).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('starts a new burst after each write: answers given later in the same turn are not lost', async () => {
    const log: string[] = [];
    const burst = new AnswerBurst();
    burst.send(reply('a', log), 1);
    await turn();
    burst.send(reply('b', log), 2);
    expect(log).toEqual(['a:1']);
    await turn();
    expect(log).toEqual(['a:1', 'b:2']);
  });

  it('writes what it holds on flush(), and what comes after it in the same turn at the end of the turn, once each', async () => {
    const log: string[] = [];
    const burst = new AnswerBurst();
    burst.send(reply('a', log), 1);
    burst.send(reply('b', log), 2);
    burst.flush();
    expect(log).toEqual(['a:1', 'b:2']);
    burst.send(reply('c', log), 3);
    expect(log).toEqual(['a:1', 'b:2']);
    await turn();
    expect(log).toEqual(['a:1', 'b:2', 'c:3']);
    burst.flush();
    expect(log).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('closes the connection of an answer that cannot be written, reports it, and writes the others', async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const burst = new AnswerBurst({ onError: (err) => errors.push(err) });
    const broken = reply('b', log, true);
    burst.send(reply('a', log), 1);
    burst.send(broken, 2, () => log.push('b:sent'));
    burst.send(reply('c', log), 3);
    await turn();
    expect(log).toEqual(['a:1', 'b:destroyed', 'c:3']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('b cannot be written');
    expect(broken.destroyed).toBe(errors[0]);
  });

  it('reports a `sent` that throws without cutting the connection its answer was written on', async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const burst = new AnswerBurst({ onError: (err) => errors.push(err) });
    const a = reply('a', log);
    burst.send(a, 1, () => {
      throw new Error('metrics failed');
    });
    burst.send(reply('b', log), 2);
    burst.flush();
    expect(log).toEqual(['a:1', 'b:2']);
    expect(a.destroyed).toBeUndefined();
    expect((errors[0] as Error).message).toBe('metrics failed');
  });

  it('treats a maxBurst below 1 as 1: every answer is written at once', () => {
    const log: string[] = [];
    const burst = new AnswerBurst({ maxBurst: 0 });
    burst.send(reply('a', log), 1);
    expect(log).toEqual(['a:1']);
  });
});
