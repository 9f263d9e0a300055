// What Waybill sends verifies with the standardwebhooks library's own verifier, with either
// secret during a rotation, and matches the specification's published test vector.
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { newSigningSecret, signWebhook } from "./signing";

describe("signWebhook", () => {
  it("matches the Standard Webhooks specification's example signature", () => {
    // the vector from the specification's reference implementations
    const headers = signWebhook(
      ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      new Date(1614265330 * 1000),
      '{"test": 2432232314}',
    );
    expect(headers["webhook-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verifies with the library's verifier, with either secret during a rotation", () => {
    const previous = newSigningSecret();
    const current = newSigningSecret();
    const body = JSON.stringify({ type: "message.delivered", data: { messageId: "m1" } });
    const headers = signWebhook([current, previous], "evt_1", new Date(), body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    }
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body + " ", headers)).toThrow();
  });
});
