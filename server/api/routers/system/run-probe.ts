// system.runProbe: enqueues a probe job; the health page polls for its completion.
import crypto from "node:crypto";
import { z } from "zod";
import { enqueue } from "@/server/jobs/queue";
import { permissionProcedure } from "../../trpc";

export const runProbe = permissionProcedure("operations.read").mutation(async ({ ctx }) => {
  const probeId = crypto.randomUUID();
  await enqueue(await ctx.queue(), "system.probe", { probeId, holdMs: 0 });
  return { probeId, enqueuedAt: new Date() };
});

export const getProbe = permissionProcedure("operations.read")
  .input(z.object({ probeId: z.uuid() }))
  .query(async ({ ctx, input }) => {
    const done = await ctx.db.auditEvent.findFirst({
      where: { action: "system.probe_completed", targetId: input.probeId },
      select: { createdAt: true, data: true },
    });
    return { isCompleted: done !== null, completedAt: done?.createdAt ?? null };
  });
