"use client";
// The dry run of a bulk retry or discard: runs as the dialog opens (deadLetters.prepareBulk, which
// freezes the selection), shows how many messages, which tenants, the WhatsApp-aware warnings
// grouped and what is skipped; then the engineer confirms with a reason (optionally leaving out
// what will fail again) and it runs at once, or waits for a second engineer above the threshold.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { formText } from "@/components/ui/form-text";
import { Textarea } from "@/components/ui/input";
import { SkeletonRows } from "@/components/ui/skeleton";
import type { TRouterInputs } from "@/trpc/router-types";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { SEVERITY_LABELS } from "@/components/dead-letters/labels";

export type TDryRunRequest = TRouterInputs["deadLetters"]["prepareBulk"];

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export function DryRunDialog({
  request,
  isLeavingOutByDefault = false,
  onClose,
  onDone,
}: {
  request: TDryRunRequest;
  /** start with "leave out what will most likely fail again" ticked (the page's toggle, on by default) */
  isLeavingOutByDefault?: boolean;
  onClose: () => void;
  onDone: (summary: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const prepare = useMutation(trpc.deadLetters.prepareBulk.mutationOptions());
  const confirm = useMutation(
    trpc.deadLetters.requestBulk.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.deadLetters.pathFilter());
        const what = request.kind === "retry" ? "Retrying" : "Discarding";
        onDone(
          result.status === "awaiting_approval"
            ? `Awaiting approval: ${plural(result.actionCount, "message")} is above the threshold of ${result.threshold}; another engineer must approve it under Bulk operations.`
            : result.isStarted
              ? `${what} ${plural(result.actionCount, "message")}${result.leftOut ? ` (${result.leftOut} left out)` : ""}.${request.kind === "retry" ? " Each counts as done when the provider acknowledges its new attempt." : ""}`
              : "Approved, but the worker's job could not be queued; start it again under Bulk operations.",
        );
        onClose();
      },
    }),
  );
  const [missing, setMissing] = useState(false);
  const [isLeavingOut, setIsLeavingOut] = useState(isLeavingOutByDefault);
  const started = useRef(false);
  useEffect(() => {
    // once per opening (strict mode mounts effects twice in development)
    if (started.current) return;
    started.current = true;
    prepare.mutate(request);
  }, [prepare, request]);

  const verb = request.kind === "retry" ? "Retry" : "Discard";
  const result = prepare.data;
  const a = result?.assessment;
  const count = a ? a.actionable - (isLeavingOut ? a.likelyToFail : 0) : 0;
  const reasonError = missing
    ? "Give a reason; it is recorded with the operation and on each message's ledger."
    : fieldError(fieldErrorsOf(confirm.error), "reason");

  let body;
  if (prepare.isPending || prepare.isIdle) {
    body = <SkeletonRows rows={5} label="Running the dry run" />;
  } else if (prepare.isError) {
    body = (
      <>
        <Alert tone="bad">{errorMessageOf(prepare.error)}</Alert>
        <div className="flex justify-end">
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
        </div>
      </>
    );
  } else if (result && a) {
    body = (
      <div className="flex flex-col gap-4">
        <section aria-label="Dry run summary" className="flex flex-col gap-2 text-sm">
          <p className="text-base font-semibold text-zinc-900">
            {verb} {plural(a.actionable, "message")} in {plural(a.tenants.length, "tenant")}
          </p>
          {result.frozenFromFilter !== null ? (
            <p className="text-xs text-zinc-600">
              The filter matched {plural(result.frozenFromFilter, "dead letter")}; that list is frozen now.
            </p>
          ) : null}
          {a.tenants.length > 0 ? (
            <ul aria-label="Tenants affected" className="flex flex-wrap gap-1.5">
              {a.tenants.map((t) => (
                <li key={t.tenantId}>
                  <Badge tone="accent">
                    {t.tenantName}: {t.count}
                  </Badge>
                </li>
              ))}
            </ul>
          ) : null}
          {a.skipped > 0 ? (
            <div>
              <p className="text-zinc-700">Skipped: {plural(a.skipped, "message")}</p>
              <ul className="list-disc pl-5 text-xs text-zinc-600">
                {a.skips.map((s) => (
                  <li key={s.reason}>
                    {s.count}: {s.text}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </section>
        {request.kind === "retry" ? (
          a.warnings.length > 0 ? (
            <section aria-label="Warnings" className="flex flex-col gap-2">
              <h3 className="text-sm font-semibold text-zinc-900">
                Warnings
                {a.likelyToFail > 0
                  ? ` (${plural(a.likelyToFail, "message")} will most likely fail again)`
                  : ""}
              </h3>
              <ul className="flex max-h-64 flex-col gap-2 overflow-y-auto">
                {a.warnings.map((w) => (
                  <li key={w.key} className="rounded-md border border-zinc-200 px-3 py-2 text-sm">
                    <p className="flex flex-wrap items-center gap-2 font-medium text-zinc-900">
                      {w.title}
                      <Badge tone={SEVERITY_LABELS[w.severity].tone}>
                        {SEVERITY_LABELS[w.severity].label}
                      </Badge>
                      <span className="text-xs font-normal text-zinc-600">{plural(w.count, "message")}</span>
                    </p>
                    <p className="mt-0.5 text-xs text-zinc-700">{w.detail}</p>
                    <p className="mt-0.5 text-xs text-zinc-500">
                      {w.tenants.map((t) => `${t.tenantName}: ${t.count}`).join(" · ")}
                    </p>
                  </li>
                ))}
              </ul>
            </section>
          ) : (
            <Alert tone="ok">No warnings: nothing in WhatsApp&apos;s rules stands in the way.</Alert>
          )
        ) : null}
        {result.bulkActionId === null ? (
          <>
            <Alert tone="info">Nothing to {verb.toLowerCase()}: no open dead letter in the selection.</Alert>
            <div className="flex justify-end">
              <Button variant="secondary" onClick={onClose}>
                Close
              </Button>
            </div>
          </>
        ) : (
          <form
            aria-label={`Confirm the bulk ${request.kind}`}
            noValidate
            className="flex flex-col gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              if (confirm.isPending || !result.bulkActionId) return;
              const reason = formText(new FormData(event.currentTarget), "reason").trim();
              setMissing(reason.length < 3);
              if (reason.length >= 3) {
                confirm.mutate({
                  bulkActionId: result.bulkActionId,
                  reason,
                  leaveOutLikelyToFail: isLeavingOut,
                });
              }
            }}
          >
            {a.likelyToFail > 0 && request.kind === "retry" ? (
              <label className="flex items-start gap-2 text-sm text-zinc-800">
                <input
                  type="checkbox"
                  className="mt-0.5 size-4 rounded border-zinc-300"
                  checked={isLeavingOut}
                  onChange={(e) => setIsLeavingOut(e.target.checked)}
                />
                Leave out the {plural(a.likelyToFail, "message")} that will most likely fail again
              </label>
            ) : null}
            <Alert tone={count > result.threshold ? "warn" : "info"}>
              {count > result.threshold
                ? `${plural(count, "message")} is above the approval threshold (${result.threshold}): after you confirm, another engineer must approve it before anything is sent.`
                : `${plural(count, "message")} is within the approval threshold (${result.threshold}): it runs as soon as you confirm.`}
            </Alert>
            <Field
              label="Reason"
              hint="Recorded with the operation and on each message's ledger."
              error={reasonError}
            >
              {(control) => <Textarea {...control} name="reason" maxLength={1000} required autoFocus />}
            </Field>
            <FormMessage message={confirm.isError && !reasonError ? errorMessageOf(confirm.error) : null} />
            <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
              <Button variant="secondary" onClick={onClose} disabled={confirm.isPending}>
                Cancel
              </Button>
              <Button
                type="submit"
                variant={request.kind === "discard" ? "danger" : "primary"}
                disabled={count === 0}
                isPending={confirm.isPending}
                pendingLabel="Confirming…"
              >
                {count > result.threshold
                  ? `Request approval: ${verb.toLowerCase()} ${count}`
                  : `${verb} ${plural(count, "message")}`}
              </Button>
            </div>
          </form>
        )}
      </div>
    );
  }

  return (
    <Dialog
      isOpen
      onClose={onClose}
      title={`Dry run: ${verb.toLowerCase()} dead letters`}
      description="Nothing is sent or changed until you confirm."
      className="max-w-2xl"
    >
      {body}
    </Dialog>
  );
}
