// GET /t/[scope]/messages: the message ledger for a scope (designed empty state until its release).
import type { Metadata } from "next";
import { resolveScope } from "../../../_lib/session";
import { AreaPlaceholder } from "../_components/area-placeholder";

export const metadata: Metadata = { title: "Messages" };

export default async function MessagesPage({ params }: { params: Promise<{ scope: string }> }) {
  const scope = await resolveScope((await params).scope);
  return (
    <AreaPlaceholder
      title="Messages"
      description="Every message sent through Waybill, its current delivery state, and the evidence behind that state."
      audience="support agents and tenant admins answering “was it delivered?”"
      scopeLabel={scope.label}
      emptyTitle="No message ledger yet"
      questions={[
        "Was this message delivered, read or failed, and when?",
        "Which status webhook decided that state, and did any arrive late or twice?",
        "Which messages to a recipient or from a template failed, and with which error code?",
      ]}
    />
  );
}
