// Words for what a bulk action selected, stored with it and shown in the operations list.
import type { TDeadLetterFilters } from "./dead-letters.types";

export function describeFilters(filters: TDeadLetterFilters): string {
  const parts = [
    filters.status === "all" ? "any status" : `status ${filters.status.replace("_", " ")}`,
    filters.errorCode ? `error ${filters.errorCode}` : null,
    filters.reasonClass ? `reason ${filters.reasonClass.replace("_", " ")}` : null,
    filters.senderNumberId ? `sender ${filters.senderNumberId.slice(0, 8)}` : null,
    filters.templateName ? `template ${filters.templateName}` : null,
    filters.age ? `age ${filters.age}` : null,
  ].filter((p): p is string => p !== null);
  return `every dead letter matching: ${parts.join(", ")}`;
}
