import { describe, expect, it } from "vitest";
import type { TSql } from "@/server/db/sql";
import { createQueueWaker, SEND_QUEUE_CHANNEL } from "./send-queue";

/** A TSql whose statements finish when the test says so. */
function heldSql() {
  const calls: { text: string; values: readonly unknown[]; finish: () => void }[] = [];
  const sql: TSql = {
    query: <R extends object>(text: string, values: readonly unknown[] = []) =>
      new Promise<R[]>((resolve) => calls.push({ text, values, finish: () => resolve([]) })),
  };
  return { sql, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("createQueueWaker", () => {
  it("keeps one NOTIFY in flight and sends one more for every burst of wakes meanwhile", async () => {
    const { sql, calls } = heldSql();
    const wake = createQueueWaker(sql);
    wake();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.values).toEqual([SEND_QUEUE_CHANNEL, ""]);
    for (let i = 0; i < 50; i += 1) wake();
    expect(calls).toHaveLength(1);
    calls[0]?.finish();
    await settle();
    // the commits that woke it during the first NOTIFY get a notification sent after them
    expect(calls).toHaveLength(2);
    calls[1]?.finish();
    await settle();
    expect(calls).toHaveLength(2);
    wake();
    expect(calls).toHaveLength(3);
  });

  it("goes on after a failed NOTIFY", async () => {
    const errors: unknown[] = [];
    let n = 0;
    const sql: TSql = {
      query: async () => {
        n += 1;
        if (n === 1) throw new Error("connection lost");
        return [];
      },
    };
    const wake = createQueueWaker(sql, (error) => errors.push(error));
    wake();
    await settle();
    wake();
    await settle();
    expect(n).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
