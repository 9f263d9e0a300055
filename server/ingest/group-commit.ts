// Group commit: callers submit one item each and wait; items submitted while the event loop is
// busy (or while every flush slot is taken) are written together by one `flush` call, so N
// concurrent webhooks cost one statement and one commit instead of N. Each caller's promise
// settles with its own outcome only after the flush holding its item returned, so a webhook's
// 200 still leaves only after the commit of its row (and a failed flush fails all its callers:
// 503 for each, never 200). Transport-free: the Next.js route and the ingest listener share it.

export type TGroupCommitOptions<I> = {
  /** most items in one flush */
  maxItems: number;
  /** a flush stops taking items once their weight reaches this (it always takes one) */
  maxWeight: number;
  weightOf: (item: I) => number;
  /** flushes running at once (at most the pool's connections, else flushes wait for one) */
  maxInFlight: number;
  /** called after every successful flush with its size and duration */
  onFlush?: (items: number, seconds: number) => void;
};

export type TGroupCommitter<I, O> = {
  submit: (item: I) => Promise<O>;
  /** resolves once every item submitted so far is settled */
  drain: () => Promise<void>;
  /** items waiting for a flush slot (not yet in a statement) */
  queued: () => number;
  /** flushes running now */
  inFlight: () => number;
};

type TWaiter<I, O> = { item: I; resolve: (outcome: O) => void; reject: (error: unknown) => void };

export function createGroupCommitter<I, O>(
  flush: (items: readonly I[]) => Promise<readonly O[]>,
  options: TGroupCommitOptions<I>,
): TGroupCommitter<I, O> {
  const queue: TWaiter<I, O>[] = [];
  let running = 0;
  let isScheduled = false;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (queue.length > 0 || running > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  const schedule = () => {
    if (isScheduled || queue.length === 0 || running >= options.maxInFlight) return;
    isScheduled = true;
    // setImmediate, not a microtask: requests whose bodies completed in this turn of the event
    // loop join the same flush
    setImmediate(() => {
      isScheduled = false;
      while (queue.length > 0 && running < options.maxInFlight) void runOne();
    });
  };

  const take = (): TWaiter<I, O>[] => {
    const batch: TWaiter<I, O>[] = [];
    let weight = 0;
    while (queue.length > 0 && batch.length < options.maxItems) {
      const next = queue[0]!;
      const w = options.weightOf(next.item);
      if (batch.length > 0 && weight + w > options.maxWeight) break;
      batch.push(queue.shift()!);
      weight += w;
    }
    return batch;
  };

  const runOne = async () => {
    const batch = take();
    if (batch.length === 0) return;
    running += 1;
    const started = performance.now();
    try {
      const outcomes = await flush(batch.map((w) => w.item));
      if (outcomes.length !== batch.length) throw new Error("group commit: one outcome per item expected");
      options.onFlush?.(batch.length, (performance.now() - started) / 1000);
      for (const [i, waiter] of batch.entries()) waiter.resolve(outcomes[i]!);
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      running -= 1;
      schedule();
      settleIdle();
    }
  };

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    drain() {
      if (queue.length === 0 && running === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    queued: () => queue.length,
    inFlight: () => running,
  };
}
