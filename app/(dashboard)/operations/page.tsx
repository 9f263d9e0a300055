// GET /operations: send a test message; platform ingestion, queues and quarantine (engineer, admin) to come.
import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/app/(dashboard)/_lib/session";
import { hasPermission } from "@/server/domain/access/permissions";
import { SendTestMessageForm } from "./_components/send-test-message-form";

export const metadata: Metadata = { title: "Operations" };

const QUESTIONS = [
  "Are WhatsApp webhooks arriving, verified and recorded without a backlog?",
  "How deep are the job queues, and is any job stuck or retrying in a loop?",
  "What sits in the orphan-event quarantine, and why was it not matched to a message?",
];

export default async function OperationsPage() {
  const me = await requirePermission("operations.read");
  const canSendTest = hasPermission(me.user.role, "message.send_test");
  return (
    <>
      <PageHeader
        title="Operations"
        description="How the platform's machinery is doing across every tenant: webhook ingestion, job queues and quarantined events."
        scopeLabel="Platform"
      />
      {canSendTest ? (
        <div className="mb-6">
          <SendTestMessageForm tenants={me.tenants} />
        </div>
      ) : null}
      <EmptyState
        title="No operations data yet"
        description="This area is not built yet. When it is, it will show live platform data for engineers and admins; System status already shows database and worker health."
      >
        <div className="rounded-md bg-zinc-50 px-4 py-3">
          <p className="text-xs font-medium text-zinc-500">For engineers and admins. It will answer:</p>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-zinc-700">
            {QUESTIONS.map((q) => (
              <li key={q}>{q}</li>
            ))}
          </ul>
        </div>
      </EmptyState>
    </>
  );
}
