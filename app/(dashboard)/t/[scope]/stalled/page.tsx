// GET /t/[scope]/stalled: messages stuck in a state, and the alerts they raised (designed empty state until its release).
import type { Metadata } from "next";
import { resolveScope } from "../../../_lib/session";
import { AreaPlaceholder } from "../_components/area-placeholder";

export const metadata: Metadata = { title: "Stalled & alerts" };

export default async function StalledPage({ params }: { params: Promise<{ scope: string }> }) {
  const scope = await resolveScope((await params).scope);
  return (
    <AreaPlaceholder
      title="Stalled & alerts"
      description="Messages that have sat in one state longer than expected, and the alerts they raised."
      audience="engineers and tenant admins"
      scopeLabel={scope.label}
      emptyTitle="No stalled messages or alerts"
      questions={[
        "Which messages never received a delivery status?",
        "Which tenants or sender numbers breach their time-in-state expectations?",
        "Which alerts are open, acknowledged or resolved?",
      ]}
    />
  );
}
