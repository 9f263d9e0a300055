// The console's dead-letter procedures: the list (one tenant or all), the open ones grouped as issues, dry runs, bulk retries and discards with approval, single discards.
import { createTRPCRouter } from "../../trpc";
import { assessDeadLetters } from "./assess";
import { approveBulk, rejectBulk, startBulk } from "./decide-bulk";
import { discard } from "./discard";
import { listDeadLetterPage } from "./list";
import { listDeadLetterGroupsProcedure } from "./list-groups";
import { getBulk, listBulk } from "./list-bulk";
import { prepareBulk } from "./prepare-bulk";
import { requestBulk } from "./request-bulk";

export const deadLettersRouter = createTRPCRouter({
  list: listDeadLetterPage,
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
