// admin.*: tenants, sender numbers, users, API keys and the audit log (admins; the audit log
// for engineers too).
import { createTRPCRouter } from "../../trpc";
import { addSenderNumber } from "./add-sender-number";
import { createApiKey } from "./create-api-key";
import { createTenant } from "./create-tenant";
import { createUser } from "./create-user";
import { listApiKeys } from "./list-api-keys";
import { listAuditActions } from "./list-audit-actions";
import { listAuditEvents } from "./list-audit-events";
import { listUsers } from "./list-users";
import { revokeApiKey } from "./revoke-api-key";
import { setUserDisabled } from "./set-user-disabled";

export const adminRouter = createTRPCRouter({
  createTenant,
  addSenderNumber,
  listUsers,
  createUser,
  setUserDisabled,
  listApiKeys,
  createApiKey,
  revokeApiKey,
  listAuditEvents,
  listAuditActions,
});
