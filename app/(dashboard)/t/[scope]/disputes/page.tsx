// GET /t/[scope]/disputes: messages under dispute and their evidence (designed empty state until its release).
import type { Metadata } from "next";
import { resolveScope } from "../../../_lib/session";
import { AreaPlaceholder } from "../_components/area-placeholder";

export const metadata: Metadata = { title: "Disputes" };

export default async function DisputesPage({ params }: { params: Promise<{ scope: string }> }) {
  const scope = await resolveScope((await params).scope);
  return (
    <AreaPlaceholder
      title="Disputes"
      description="Messages whose delivery a tenant has challenged, with the evidence that settles each case."
      audience="support agents and tenant admins"
      scopeLabel={scope.label}
      emptyTitle="No disputes recorded"
      questions={[
        "Which messages are disputed, by whom, and since when?",
        "What do the raw provider webhooks say happened, in the order they arrived?",
        "Has the evidence pack been exported, and does its hash chain still verify?",
      ]}
    />
  );
}
