// A pool's error about a lost idle connection logs the error, not the connection it came with.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe("the logger's errors", () => {
  it("keep the message, code and stack, and drop the pg client attached to a pool's error", () => {
    const { lines, stream } = capture();
    const log = createLogger("test", "info", stream);
    const error = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
      client: { connectionParameters: { host: "127.0.0.1" }, parsedStatements: { waybill_0: "SELECT …" } },
    });
    log.warn({ err: error }, "pool connection lost");
    const line = JSON.parse(lines[0]!) as { msg: string; err: Record<string, unknown> };
    expect(line.msg).toBe("pool connection lost");
    expect(line.err).toMatchObject({
      type: "Error",
      message: "terminating connection due to administrator command",
      code: "57P01",
    });
    expect(line.err.stack).toEqual(expect.stringContaining("logger.test.ts"));
    expect(line.err).not.toHaveProperty("client");
  });
});
