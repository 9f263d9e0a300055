// GET /status: live health of the database and the worker, plus a job round-trip probe.
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { requireMe } from "@/app/(dashboard)/_lib/session";
import { JobProbe } from "./_components/job-probe";
import { SystemHealth } from "./_components/system-health";

export const metadata: Metadata = { title: "System status" };

export default async function StatusPage() {
  const me = await requireMe();
  const canProbe = me.permissions.includes("operations.read");
  return (
    <>
      <PageHeader
        title="System status"
        description="Whether Waybill can accept, store and process messages right now: the database, the background worker, and a live job round trip."
      />
      <div className="flex flex-col gap-4">
        <SystemHealth />
        {canProbe ? <JobProbe /> : null}
      </div>
    </>
  );
}
