// GET /t/[scope]/dead-letters: jobs and webhooks that exhausted their retries (designed empty state until its release).
import type { Metadata } from "next";
import { resolveScope } from "../../../_lib/session";
import { AreaPlaceholder } from "../_components/area-placeholder";

export const metadata: Metadata = { title: "Dead letters" };

export default async function DeadLettersPage({ params }: { params: Promise<{ scope: string }> }) {
  const scope = await resolveScope((await params).scope);
  return (
    <AreaPlaceholder
      title="Dead letters"
      description="Jobs and webhooks that ran out of retries: why each one failed and whether it can be replayed."
      audience="engineers"
      scopeLabel={scope.label}
      emptyTitle="No dead letters to show"
      questions={[
        "What failed for good, and was the cause the tenant's or the platform's?",
        "Which items are safe to replay under WhatsApp's messaging rules?",
        "Who replayed what, when, and did the replay succeed?",
      ]}
    />
  );
}
