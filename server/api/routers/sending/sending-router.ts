// The console's sending procedures: test sends, in-doubt attempts, retries, the per-number
// dispatch controls, and the tenant's sending policy.
import { createTRPCRouter } from "../../trpc";
import { pauseSender, resumeSender, setSenderMaxRate } from "./control-sender";
import { listInDoubt } from "./list-in-doubt";
import { listPausedSenders, listSenders } from "./list-senders";
import { resolveInDoubt } from "./resolve-in-doubt";
import { retryMessage } from "./retry-message";
import { sendPolicy, setSendPolicy } from "./send-policy";
import { sendTestMessage } from "./send-test-message";

export const sendingRouter = createTRPCRouter({
  sendTestMessage,
  listInDoubt,
  resolveInDoubt,
  retryMessage,
  listSenders,
  listPausedSenders,
  pauseSender,
  resumeSender,
  setSenderMaxRate,
  sendPolicy,
  setSendPolicy,
});
