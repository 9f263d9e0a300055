// GET /operations/replays/[replayId] (operations.read): one replay of stored webhook requests:
// who asked and why, its progress, and what it did to each request (new facts against duplicates).
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { ReplayDetail } from "../../requests/_components/replay-detail";

export const metadata: Metadata = { title: "Replay" };

export default async function ReplayPage({ params }: { params: Promise<{ replayId: string }> }) {
  await requirePermission("operations.read");
  const { replayId } = await params;
  if (!z.uuid().safeParse(replayId).success) notFound();
  try {
    await getQueryClient().fetchQuery(trpc.ingest.getReplay.queryOptions({ replayId }));
  } catch (error) {
    if ((error as { code?: unknown }).code === "NOT_FOUND") notFound();
    throw error;
  }
  return (
    <HydrateClient>
      <PageHeader
        title="Replay"
        description="Stored webhook requests processed again: what each one added, and what the ledger already held."
        scopeLabel="Platform"
      />
      <ReplayDetail replayId={replayId} />
    </HydrateClient>
  );
}
