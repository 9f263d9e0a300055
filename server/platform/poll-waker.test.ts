import { describe, expect, it, vi } from "vitest";
import { createPollWaker } from "./poll-waker";

describe("createPollWaker", () => {
  it("sleeps for the poll period when nothing wakes it", async () => {
    vi.useFakeTimers();
    try {
      const waker = createPollWaker();
      let isDone = false;
      const sleeping = waker.sleep(1_000).then(() => (isDone = true));
      await vi.advanceTimersByTimeAsync(999);
      expect(isDone).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await sleeping;
      expect(isDone).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("ends a sleep early on wake, and keeps a wake that came while the loop was busy", async () => {
    vi.useFakeTimers();
    try {
      const waker = createPollWaker();
      let isDone = false;
      const sleeping = waker.sleep(60_000).then(() => (isDone = true));
      waker.wake();
      await sleeping;
      expect(isDone).toBe(true);

      // woken between two sleeps: the next sleep returns without waiting
      waker.wake();
      let isSecondDone = false;
      const second = waker.sleep(60_000).then(() => (isSecondDone = true));
      await vi.advanceTimersByTimeAsync(0);
      await second;
      expect(isSecondDone).toBe(true);

      // and the wake is used up: the sleep after it waits again
      let isThirdDone = false;
      void waker.sleep(60_000).then(() => (isThirdDone = true));
      await vi.advanceTimersByTimeAsync(59_999);
      expect(isThirdDone).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(isThirdDone).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
