// The console's dead-letter procedures: the list (per tenant and across
// tenants), dry runs, bulk retries and discards with approval, single discards.
import { createTRPCRouter } from "../../trpc";
import { assessDeadLetters } from "./assess";
import { approveBulk, rejectBulk, startBulk } from "./decide-bulk";
import { discard } from "./discard";
import { listTenantDeadLetters } from "./list";
import { listAllTenantDeadLetters } from "./list-all-tenants";
import { getBulk, listBulk } from "./list-bulk";
import { prepareBulk } from "./prepare-bulk";
import { requestBulk } from "./request-bulk";

export const deadLettersRouter = createTRPCRouter({
  list: listTenantDeadLetters,
  listAllTenants: listAllTenantDeadLetters,
  assess: assessDeadLetters,
  prepareBulk,
  requestBulk,
  approveBulk,
  rejectBulk,
  startBulk,
  listBulk,
  getBulk,
  discard,
});
