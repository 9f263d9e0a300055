// A polling loop's sleep that a wake() ends early: the loop sleeps until the poll period passes or
// something tells it there is work (a NOTIFY, a freed slot). A wake that arrives while the loop is
// busy is kept, so the loop's next sleep returns at once instead of missing the work for a whole
// poll period.
export type TPollWaker = {
  /** Sleeps up to `ms`, or not at all when woken since the last sleep. */
  sleep(ms: number): Promise<void>;
  wake(): void;
};

export function createPollWaker(): TPollWaker {
  let resolvePending: (() => void) | null = null;
  let isWoken = false;
  return {
    wake() {
      isWoken = true;
      const resolve = resolvePending;
      resolvePending = null;
      resolve?.();
    },
    async sleep(ms) {
      if (!isWoken) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          resolvePending = resolve;
          timer = setTimeout(resolve, Math.max(1, ms));
        });
        clearTimeout(timer);
        resolvePending = null;
      }
      isWoken = false;
    },
  };
}
