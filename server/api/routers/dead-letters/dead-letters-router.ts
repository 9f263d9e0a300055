// The console's dead-letter procedures: the list (per tenant and across
// tenants), the open ones grouped as issues, dry runs, bulk retries and discards with approval, single discards.
import { createTRPCRouter } from "../../trpc";
import { assessDeadLetters } from "./assess";
import { approveBulk, rejectBulk, startBulk } from "./decide-bulk";
import { discard } from "./discard";
import { listTenantDeadLetters } from "./list";
import { listDeadLetterGroupsProcedure } from "./list-groups";
import { listAllTenantDeadLetters } from "./list-all-tenants";
import { getBulk, listBulk } from "./list-bulk";
import { prepareBulk } from "./prepare-bulk";
import { requestBulk } from "./request-bulk";

export const deadLettersRouter = createTRPCRouter({
  list: listTenantDeadLetters,
  listAllTenants: listAllTenantDeadLetters,
  listGroups: listDeadLetterGroupsProcedure,
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
