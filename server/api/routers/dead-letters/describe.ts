// Words for what a bulk action selected, stored with it and shown in the operations list.
import type { TDeadLetterFilters } from "./dead-letters.types";
import { shortId } from "@/components/ui/short-id";

type TGroupKey = { errorCode: string | null; senderNumberId: string; templateName: string | null };

export function describeFilters(filters: TDeadLetterFilters): string {
  const parts = [
    filters.status === "all" ? "any status" : `status ${filters.status.replace("_", " ")}`,
    filters.errorCode ? `error ${filters.errorCode}` : null,
    filters.reasonClass ? `reason ${filters.reasonClass.replace("_", " ")}` : null,
    filters.senderNumberId ? `sender ${shortId(filters.senderNumberId)}` : null,
    filters.templateName ? `template ${filters.templateName}` : null,
    filters.age ? `age ${filters.age}` : null,
  ].filter((p): p is string => p !== null);
  return `every dead letter matching: ${parts.join(", ")}`;
}

/** One grouped issue, as the operations list names what was selected. */
export function describeGroup(group: TGroupKey): string {
  return `every open dead letter with ${group.errorCode ? `error ${group.errorCode}` : "no error code"} from sender ${shortId(group.senderNumberId)}, ${group.templateName ? `template ${group.templateName}` : "text messages"}`;
}
