// GET /t/[scope]/heatmaps: where delivery failures cluster (designed empty state until its release).
import type { Metadata } from "next";
import { resolveScope } from "../../../_lib/session";
import { AreaPlaceholder } from "../_components/area-placeholder";

export const metadata: Metadata = { title: "Heatmaps" };

export default async function HeatmapsPage({ params }: { params: Promise<{ scope: string }> }) {
  const scope = await resolveScope((await params).scope);
  return (
    <AreaPlaceholder
      title="Heatmaps"
      description="Where failures cluster across tenants, sender numbers, templates and error codes over time."
      audience="engineers and support leads during an incident"
      scopeLabel={scope.label}
      emptyTitle="No heatmap data yet"
      questions={[
        "Is a failure spike ours, Meta's, or one tenant's?",
        "Which sender number, template or error code is at the root of it?",
        "Did a deploy or a quality-rating change line up with it?",
      ]}
    />
  );
}
