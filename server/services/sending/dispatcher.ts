// The send dispatcher: a loop in the worker that keeps up to `concurrency` sends in flight,
// claiming work fairly across tenants whenever a slot frees up, a request arrives (NOTIFY) or
// the poll period passes. Messages to one recipient from one number run one after another.
// A claim and the preparation of its sends share one transaction (the leases and one batched
// append of their `attempt_started` commit together), and accepted answers are recorded in
// groups (createAcknowledger).
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import {
  claimAndPrepare,
  createAcknowledger,
  processClaimedBatch,
  processClaimedSend,
  sendPlanned,
  type TSendDeps,
  type TSendOutcome,
} from "./process-send";
import { DEFAULT_CLAIM_INTERVAL_MS } from "./config";
import {
  claimSends,
  SEND_QUEUE_CHANNEL,
  type TClaimedSend,
  type TClaimOptions,
  type TClaimResult,
} from "./send-queue";

export type TDispatcherStats = {
  /** claim transactions that took at least one message */
  claims: number;
  claimed: number;
  inFlight: number;
  outcomes: Record<TSendOutcome | "error", number>;
};

export type TDispatcher = {
  /** Stops claiming, waits up to `graceMs` for sends in flight, then aborts them. */
  stop(graceMs?: number): Promise<void>;
  /** Looks for work now (also called by NOTIFY and by finished sends). */
  wake(): void;
  stats(): TDispatcherStats;
};

export function startDispatcher(
  input: TSendDeps & {
    databaseUrl: string | null;
    /** false: every send prepared and recorded alone (the same-run baseline of bench/send.ts) */
    isBatched?: boolean;
  },
): TDispatcher {
  const isBatched = input.isBatched ?? true;
  const deps: TSendDeps & { databaseUrl: string | null } = {
    ...input,
    acknowledge: isBatched ? (input.acknowledge ?? createAcknowledger(input)) : undefined,
  };
  const { log, config } = deps;
  const abort = new AbortController();
  const stats: TDispatcherStats = {
    claims: 0,
    claimed: 0,
    inFlight: 0,
    outcomes: {
      accepted: 0,
      retry_scheduled: 0,
      dead_lettered: 0,
      awaiting_webhook: 0,
      held_in_doubt: 0,
      dropped: 0,
      lease_lost: 0,
      sender_paused: 0,
      held: 0,
      error: 0,
    },
  };
  let isStopping = false;
  let pendingWake: (() => void) | null = null;
  let isWoken = false;
  const idle = new Set<Promise<void>>();
  // per (tenant, sender, recipient): the tail of that pair's chain of sends in this process
  const pairTails = new Map<string, Promise<void>>();

  const wake = () => {
    isWoken = true;
    const resolve = pendingWake;
    pendingWake = null;
    resolve?.();
  };

  const waitForWake = async (ms: number) => {
    if (isWoken) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      pendingWake = resolve;
      timer = setTimeout(resolve, Math.max(1, ms));
    });
    clearTimeout(timer);
    pendingWake = null;
  };

  const pairOf = (item: TClaimedSend) => `${item.tenantId}/${item.senderNumberId}/${item.recipient}`;

  /** Runs one send after the previous one to its recipient; `start` defaults to the one-message path. */
  const run = (item: TClaimedSend, start?: () => Promise<TSendOutcome>) => {
    stats.inFlight += 1;
    const pair = pairOf(item);
    const previous = pairTails.get(pair) ?? Promise.resolve();
    const task = previous
      .then(() => (start ? start() : processClaimedSend(deps, item, abort.signal)))
      .then(
        (outcome) => {
          stats.outcomes[outcome] += 1;
        },
        (error: unknown) => {
          stats.outcomes.error += 1;
          // the lease runs out and the row is claimed again; the ledger decides what happens then
          log.error(
            { tenantId: item.tenantId, messageId: item.messageId, err: error },
            "send failed unexpectedly",
          );
        },
      )
      .finally(() => {
        stats.inFlight -= 1;
        if (pairTails.get(pair) === task) pairTails.delete(pair);
        idle.delete(task);
        wake();
      });
    pairTails.set(pair, task);
    idle.add(task);
  };

  /**
   * A claim's sends: the first to each recipient with nothing of theirs still in flight go out
   * together; a later one to the same recipient waits for the one before.
   */
  const split = (claimed: readonly TClaimedSend[]) => {
    const together: TClaimedSend[] = [];
    const after: TClaimedSend[] = [];
    const seen = new Set<string>();
    for (const item of claimed) {
      const pair = pairOf(item);
      if (seen.has(pair) || pairTails.has(pair)) after.push(item);
      else together.push(item);
      seen.add(pair);
    }
    return { together, after };
  };

  /** Runs a claim's sends: `together` with their outcomes (their plans), `after` one by one. */
  const dispatch = (
    together: readonly TClaimedSend[],
    outcomes: Promise<TSendOutcome>[],
    after: readonly TClaimedSend[],
  ) => {
    together.forEach((item, i) => run(item, () => outcomes[i]!));
    for (const item of after) run(item);
  };

  /**
   * One claim: with its sends prepared in the claim's own transaction (claimAndPrepare), or, in
   * the one-by-one baseline and for one claim after that transaction failed, claimed alone and
   * prepared after (processClaimedBatch, which falls back to one by one).
   */
  let isSplitNext = false;
  const claim = async (options: TClaimOptions): Promise<TClaimResult> => {
    if (isBatched && !isSplitNext) {
      try {
        const claimed = await claimAndPrepare(deps, options, split);
        dispatch(
          claimed.together,
          sendPlanned(deps, claimed.together, claimed.plans, abort.signal),
          claimed.after,
        );
        return claimed.result;
      } catch (error) {
        if (isStopping) throw error;
        // nothing was claimed: claim again at once, the claim and its preparation apart
        log.warn({ err: error }, "claiming and preparing together failed; claiming alone once");
        isSplitNext = true;
        return { claimed: [], candidates: 0, nextSendAt: null };
      }
    }
    isSplitNext = false;
    const result = await claimSends(deps.pool, options);
    if (!isBatched) {
      for (const item of result.claimed) run(item);
      return result;
    }
    const { together, after } = split(result.claimed);
    dispatch(together, together.length > 0 ? processClaimedBatch(deps, together, abort.signal) : [], after);
    return result;
  };

  const claimIntervalMs = config.claimIntervalMs ?? DEFAULT_CLAIM_INTERVAL_MS;
  let lastClaimAt = Number.NEGATIVE_INFINITY;
  const loop = async () => {
    while (!isStopping) {
      isWoken = false;
      const free = config.concurrency - stats.inFlight;
      if (free <= 0) {
        await waitForWake(config.pollMs * 10);
        continue;
      }
      // one claim per interval at most: the wake-ups in between (a NOTIFY per request, every
      // finished send) are gathered into the next claim instead of starting one each
      const sinceLastClaim = performance.now() - lastClaimAt;
      if (sinceLastClaim < claimIntervalMs) {
        await sleep(claimIntervalMs - sinceLastClaim);
        if (isStopping) break;
        continue; // slots may have freed meanwhile
      }
      lastClaimAt = performance.now();
      let claimedCount = 0;
      let nextSendAt: number | null = null;
      try {
        const result = await claim({
          slots: free,
          workerId: deps.workerId,
          leaseMs: config.leaseMs,
          now: deps.clock(),
          throughput: config.throughput,
        });
        claimedCount = result.claimed.length;
        nextSendAt = result.nextSendAt;
        stats.claimed += claimedCount;
        if (claimedCount > 0) stats.claims += 1;
        if (isSplitNext) continue; // the failed claim's retry, without waiting
      } catch (error) {
        if (isStopping) break;
        log.error({ err: error }, "claiming sends failed; retrying shortly");
        await sleep(1_000);
        continue;
      }
      if (claimedCount > 0 && claimedCount < free) continue; // there may be more for the rest
      const untilBucket =
        nextSendAt === null ? config.pollMs : Math.max(5, nextSendAt - deps.clock().getTime());
      await waitForWake(Math.min(config.pollMs, untilBucket));
    }
  };

  const listener = deps.databaseUrl ? listen(deps.databaseUrl, wake, log) : null;
  const running = loop().catch((error: unknown) => log.fatal({ err: error }, "send dispatcher crashed"));

  return {
    wake,
    stats: () => ({ ...stats, outcomes: { ...stats.outcomes } }),
    async stop(graceMs = 10_000) {
      isStopping = true;
      wake();
      await running;
      const settled = Promise.allSettled([...idle]);
      const timer = setTimeout(() => abort.abort(), graceMs);
      await settled;
      clearTimeout(timer);
      await listener?.close();
    },
  };
}

/** LISTENs for new queue rows; reconnects after errors (polling covers the gap). */
function listen(databaseUrl: string, onNotify: () => void, log: TSendDeps["log"]) {
  let client: pg.Client | null = null;
  let isClosed = false;
  const connect = async () => {
    while (!isClosed) {
      const next = new pg.Client({
        connectionString: databaseUrl,
        application_name: "waybill-dispatch-listen",
      });
      try {
        next.on("notification", () => onNotify());
        next.on("error", (error) => {
          log.warn({ err: error }, "dispatch listener lost its connection; polling meanwhile");
          client = null;
          void next.end().catch(() => {});
          if (!isClosed) void sleep(2_000).then(connect);
        });
        await next.connect();
        await next.query(`LISTEN ${SEND_QUEUE_CHANNEL}`);
        client = next;
        return;
      } catch (error) {
        await next.end().catch(() => {});
        log.warn({ err: error }, "dispatch listener could not connect; polling meanwhile");
        await sleep(2_000);
      }
    }
  };
  void connect();
  return {
    async close() {
      isClosed = true;
      await client?.end().catch(() => {});
    },
  };
}
