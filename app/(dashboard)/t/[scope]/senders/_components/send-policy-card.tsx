"use client";
// The tenant's sending policy: whether a temporary failure Meta reports by webhook (131000,
// 131016, ...) is resent as the next attempt, for marketing templates and for everything else,
// and how long an authentication template may still be retried. Everyone who sees the tenant
// reads it; its admins change it with a reason (audited; the server checks the permission again).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { TimeStamp } from "@/components/ui/time-stamp";
import { QueryState } from "@/components/query/query-state";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import type { TRouterOutputs } from "@/trpc/router-types";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";

type TPolicy = TRouterOutputs["sending"]["sendPolicy"];

const yesNo = (value: boolean) => (value ? "resent" : "not resent");

export function SendPolicyCard({ tenantId, canEdit }: { tenantId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.sending.sendPolicy.queryOptions({ tenantId }));
  return (
    <Card
      title="Sending policy"
      description="What happens when Meta reports a temporary failure by webhook after accepting a message."
    >
      <QueryState query={query} what="the sending policy">
        {(policy) =>
          canEdit ? (
            // a saved policy remounts the form with what the server stored
            <SendPolicyForm
              key={policy.updatedAt?.toISOString() ?? "defaults"}
              tenantId={tenantId}
              policy={policy}
            />
          ) : (
            <SendPolicySummary policy={policy} />
          )
        }
      </QueryState>
    </Card>
  );
}

function Provenance({ policy }: { policy: TPolicy }) {
  if (!policy.isCustom || policy.updatedAt === null) {
    return <p className="text-xs text-zinc-500">Waybill&apos;s defaults: this tenant has not set its own.</p>;
  }
  return (
    <p className="text-xs text-zinc-500">
      Set {policy.updatedBy ? `by ${actorText(policy.updatedBy)} ` : ""}
      <TimeStamp value={policy.updatedAt} format="short" />.
    </p>
  );
}

function SendPolicySummary({ policy }: { policy: TPolicy }) {
  return (
    <div className="flex flex-col gap-2 text-sm text-zinc-700">
      <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
        <dt className="font-medium text-zinc-800">Marketing templates</dt>
        <dd>{yesNo(policy.retryTransientMarketing)} after a temporary failure</dd>
        <dt className="font-medium text-zinc-800">Other messages</dt>
        <dd>{yesNo(policy.retryTransientOther)} after a temporary failure</dd>
        <dt className="font-medium text-zinc-800">Authentication templates</dt>
        <dd>not retried after {policy.authTemplateTtlSeconds} s</dd>
      </dl>
      <Provenance policy={policy} />
    </div>
  );
}

function SendPolicyForm({ tenantId, policy }: { tenantId: string; policy: TPolicy }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [marketing, setMarketing] = useState(policy.retryTransientMarketing);
  const [other, setOther] = useState(policy.retryTransientOther);
  const [ttl, setTtl] = useState(String(policy.authTemplateTtlSeconds));
  const [reason, setReason] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutation(
    trpc.sending.setSendPolicy.mutationOptions({
      onSuccess: async () => {
        setSaved("Sending policy saved. It applies to the next failure reported by webhook.");
        await queryClient.invalidateQueries(trpc.sending.sendPolicy.queryFilter({ tenantId }));
      },
    }),
  );
  const errors = fieldErrorsOf(save.error);
  return (
    <form
      className="flex flex-col gap-4"
      aria-label="Sending policy"
      onSubmit={(event) => {
        event.preventDefault();
        setSaved(null);
        save.mutate({
          tenantId,
          retryTransientMarketing: marketing,
          retryTransientOther: other,
          authTemplateTtlSeconds: Number(ttl),
          reason,
        });
      }}
    >
      <fieldset className="flex flex-col gap-2">
        <legend className="text-sm font-medium text-zinc-800">Resend after a temporary failure</legend>
        <label className="flex items-start gap-2 text-sm text-zinc-700">
          <input
            type="checkbox"
            className="mt-1"
            checked={marketing}
            onChange={(e) => setMarketing(e.target.checked)}
          />
          <span>
            Marketing templates{" "}
            <span className="text-zinc-500">
              (default: {yesNo(policy.defaults.retryTransientMarketing)}; Meta may have delivered the first
              one, and a second marketing message costs quality and money)
            </span>
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm text-zinc-700">
          <input
            type="checkbox"
            className="mt-1"
            checked={other}
            onChange={(e) => setOther(e.target.checked)}
          />
          <span>
            Every other message{" "}
            <span className="text-zinc-500">(default: {yesNo(policy.defaults.retryTransientOther)})</span>
          </span>
        </label>
      </fieldset>
      <Field
        label="Authentication templates: stop retrying after (seconds)"
        hint={`A late one-time code is worse than none. Default ${policy.defaults.authTemplateTtlSeconds} s.`}
        error={fieldError(errors, "authTemplateTtlSeconds")}
      >
        {(props) => (
          <Input
            {...props}
            type="number"
            inputMode="numeric"
            min={30}
            max={86_400}
            required
            value={ttl}
            onChange={(e) => setTtl(e.target.value)}
          />
        )}
      </Field>
      <Field
        label="Reason"
        hint="Recorded in the audit log with your name."
        error={fieldError(errors, "reason")}
      >
        {(props) => (
          <Input
            {...props}
            required
            minLength={3}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
      <Provenance policy={policy} />
      <FormMessage
        message={save.isError ? errorMessageOf(save.error) : saved}
        tone={save.isError ? "bad" : "ok"}
      />
      <div>
        <Button type="submit" isPending={save.isPending}>
          Save policy
        </Button>
      </div>
    </form>
  );
}
