"use client";
// Acknowledge, snooze (for a chosen duration) or resolve one alert, with a reason. alerts.act checks
// operations.act and the tenant on the server and audits the action; the lists refresh at once, so
// the status and the history change in place.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Field } from "@/components/ui/field";
import { formText } from "@/components/ui/form-text";
import { Select } from "@/components/ui/select";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { useTRPC } from "@/trpc/client";

export type TAlertAction = "acknowledge" | "snooze" | "resolve";
export type TAlertActionTarget = { tenantId: string; alertId: string; title: string; action: TAlertAction };

const SNOOZE_CHOICES = [
  { minutes: 60, label: "1 hour" },
  { minutes: 240, label: "4 hours" },
  { minutes: 1440, label: "1 day" },
  { minutes: 10_080, label: "1 week" },
] as const;

const COPY: Record<TAlertAction, { title: string; description: string; submit: string; pending: string }> = {
  acknowledge: {
    title: "Acknowledge alert",
    description: "Someone is on it. The alert stays unresolved until the condition ends or it is resolved.",
    submit: "Acknowledge",
    pending: "Acknowledging…",
  },
  snooze: {
    title: "Snooze alert",
    description: "Hidden from the open alerts until the snooze runs out; then it is open again.",
    submit: "Snooze",
    pending: "Snoozing…",
  },
  resolve: {
    title: "Resolve alert",
    description:
      "Closes the alert. If the same condition comes back later (a new stall, a new pause), a new alert opens.",
    submit: "Resolve",
    pending: "Resolving…",
  },
};

export function AlertActionDialog({
  target,
  onClose,
  onDone,
}: {
  target: TAlertActionTarget | null;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const act = useMutation(
    trpc.alerts.act.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.alerts.pathFilter());
        onDone(`Alert ${result.status}${target ? `: ${target.title}` : ""}.`);
        onClose();
      },
    }),
  );
  const copy = COPY[target?.action ?? "acknowledge"];
  return (
    <ReasonDialog
      isOpen={target !== null}
      onClose={onClose}
      title={copy.title}
      description={
        <>
          <span className="font-medium text-zinc-800">{target?.title}</span>. {copy.description}
        </>
      }
      reasonHint="Recorded with your name in the alert's history."
      submitLabel={copy.submit}
      pendingLabel={copy.pending}
      mutation={act}
      onSubmit={(reason, form) => {
        if (!target) return;
        const base = { tenantId: target.tenantId, alertId: target.alertId, reason };
        if (target.action === "snooze") {
          act.mutate({
            ...base,
            action: { kind: "snooze", minutes: Number(formText(form, "minutes")) || 60 },
          });
        } else {
          act.mutate({ ...base, action: { kind: target.action } });
        }
      }}
    >
      {target?.action === "snooze" ? (
        <Field label="Snooze for">
          {(control) => (
            <Select {...control} name="minutes" defaultValue="60">
              {SNOOZE_CHOICES.map((c) => (
                <option key={c.minutes} value={c.minutes}>
                  {c.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      ) : null}
    </ReasonDialog>
  );
}
