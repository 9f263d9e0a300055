"use client";
// The endpoints of one tenant (add, enable/disable, rotate the secret, test, redeliver dead
// deliveries, delete) and its recent deliveries, each with every attempt: request headers, answer
// code, the first bytes of the answer, latency, error.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import type { TRouterOutputs } from "@/trpc/router-types";
import { errorMessageOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { QueryState } from "@/components/query/query-state";

type TList = TRouterOutputs["webhooks"]["list"];
type TEndpoint = TList["endpoints"][number];
type TDelivery = TRouterOutputs["webhooks"]["deliveries"][number];

const STATUS_TONE = { pending: "warn", succeeded: "ok", failed: "bad" } as const;

export function WebhooksView({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.webhooks.list.queryOptions({ tenantId }));
  const deliveries = useQuery({
    ...trpc.webhooks.deliveries.queryOptions({ tenantId, limit: 30 }),
    refetchInterval: 5_000,
  });
  return (
    <QueryState query={list} what="webhook endpoints">
      {(data) => {
        const { endpoints, eventTypes, canManage } = data;
        return (
          <div className="flex flex-col gap-6">
            {canManage ? <NewEndpointForm tenantId={tenantId} eventTypes={eventTypes} /> : null}
            <Card
              title="Endpoints"
              description="Where Waybill posts events. Secrets are shown once, when created or rotated."
            >
              {endpoints.length === 0 ? (
                <EmptyState
                  title="No endpoints yet"
                  headingLevel={3}
                  description="Add one to receive events."
                />
              ) : (
                <ul className="flex flex-col gap-4">
                  {endpoints.map((e) => (
                    <EndpointItem key={e.id} tenantId={tenantId} endpoint={e} canManage={canManage} />
                  ))}
                </ul>
              )}
            </Card>
            <Card title="Recent deliveries" description="Newest first; each attempt as it was made.">
              <QueryState
                query={deliveries}
                what="deliveries"
                rows={3}
                isEmpty={(rows) => rows.length === 0}
                empty={{
                  title: "No deliveries yet",
                  description: "Each attempt to post an event to an endpoint is listed here.",
                }}
              >
                {(rows) => (
                  <DeliveriesTable
                    tenantId={tenantId}
                    rows={rows}
                    endpoints={endpoints}
                    canManage={canManage}
                  />
                )}
              </QueryState>
            </Card>
          </div>
        );
      }}
    </QueryState>
  );
}

function useInvalidate(tenantId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey({ tenantId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey({ tenantId, limit: 30 }) }),
    ]);
}

function NewEndpointForm({ tenantId, eventTypes }: { tenantId: string; eventTypes: TList["eventTypes"] }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate(tenantId);
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<string[]>(["message.delivered", "message.failed"]);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async (result) => {
        setSecret(result.secret);
        setUrl("");
        setDescription("");
        await invalidate();
      },
    }),
  );
  const warnings = eventTypes.filter((t) => types.includes(t.type) && t.warning).map((t) => t.warning);
  return (
    <Card title="Add an endpoint">
      <form
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({
            tenantId,
            url,
            description,
            eventTypes: types as never,
            senderNumberIds: [],
            templateNames: [],
            includeFullNumbers: false,
            maxConcurrency: 4,
          });
        }}
      >
        <Field label="URL" hint="https:// (http only for a local receiver in demo mode)">
          {(props) => (
            <Input {...props} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
          )}
        </Field>
        <Field label="Description" isOptional>
          {(props) => (
            <Input {...props} value={description} onChange={(e) => setDescription(e.target.value)} />
          )}
        </Field>
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium text-zinc-800">Events</legend>
          <div className="grid gap-1 sm:grid-cols-2">
            {eventTypes.map((t) => (
              <label key={t.type} className="flex items-start gap-2 text-sm text-zinc-700">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={types.includes(t.type)}
                  onChange={(e) =>
                    setTypes((prev) =>
                      e.target.checked ? [...prev, t.type] : prev.filter((x) => x !== t.type),
                    )
                  }
                />
                <span>
                  <code className="font-mono text-xs">{t.type}</code>{" "}
                  <span className="text-zinc-500">{t.description}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {warnings.map((w) => (
          <Alert key={w} tone="warn">
            {w}
          </Alert>
        ))}
        {create.isError ? <Alert tone="bad">{errorMessageOf(create.error)}</Alert> : null}
        {secret ? (
          <Alert tone="ok">
            <span className="flex flex-wrap items-center gap-2">
              Signing secret (shown once): <code className="font-mono text-xs break-all">{secret}</code>
              <CopyButton text={secret} label="Copy the signing secret" />
            </span>
          </Alert>
        ) : null}
        <div>
          <Button type="submit" disabled={create.isPending || types.length === 0}>
            Add endpoint
          </Button>
        </div>
      </form>
    </Card>
  );
}

function EndpointItem({
  tenantId,
  endpoint,
  canManage,
}: {
  tenantId: string;
  endpoint: TEndpoint;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidate(tenantId);
  const [notice, setNotice] = useState<string | null>(null);
  const options = { onSuccess: invalidate };
  const update = useMutation(trpc.webhooks.update.mutationOptions(options));
  const test = useMutation(trpc.webhooks.sendTest.mutationOptions(options));
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: (r) => setNotice(`New signing secret (shown once): ${r.secret}`),
    }),
  );
  const redeliverAll = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: async (r) => {
        setNotice(`${r.redelivered} dead deliveries queued again`);
        await invalidate();
      },
    }),
  );
  const remove = useMutation(trpc.webhooks.remove.mutationOptions(options));
  const error = [update, test, rotate, redeliverAll, remove].find((m) => m.isError)?.error;
  return (
    <li className="rounded-md border border-zinc-200 p-3" aria-label={`Endpoint ${endpoint.url}`}>
      <div className="flex flex-wrap items-center gap-2">
        <code className="font-mono text-sm break-all">{endpoint.url}</code>
        {endpoint.isEnabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="bad">disabled</Badge>}
        {endpoint.failingSince ? (
          <Badge tone="warn">
            failing since <TimeStamp value={endpoint.failingSince} format="short" />
          </Badge>
        ) : null}
      </div>
      {endpoint.description ? <p className="mt-1 text-sm text-zinc-600">{endpoint.description}</p> : null}
      <p className="mt-1 text-xs text-zinc-600">Events: {endpoint.eventTypes.join(", ")}</p>
      {endpoint.disabledReason ? (
        <p className="mt-1 text-xs text-bad-700">{endpoint.disabledReason}</p>
      ) : null}
      {endpoint.warnings.map((w) => (
        <Alert key={w} tone="warn" className="mt-2">
          {w}
        </Alert>
      ))}
      {canManage ? (
        <div className="mt-3 flex flex-wrap gap-2">
          <Button
            size="sm"
            variant="secondary"
            onClick={() => test.mutate({ tenantId, endpointId: endpoint.id, type: "message.delivered" })}
          >
            Send test event
          </Button>
          <Button
            size="sm"
            variant="secondary"
            onClick={() =>
              update.mutate({
                tenantId,
                endpointId: endpoint.id,
                changes: { isEnabled: !endpoint.isEnabled },
              })
            }
          >
            {endpoint.isEnabled ? "Disable" : "Enable"}
          </Button>
          <Button
            size="sm"
            variant="secondary"
            onClick={() => rotate.mutate({ tenantId, endpointId: endpoint.id, overlapHours: 24 })}
          >
            Rotate secret
          </Button>
          <Button
            size="sm"
            variant="secondary"
            onClick={() => redeliverAll.mutate({ tenantId, endpointId: endpoint.id, allFailed: true })}
          >
            Redeliver dead deliveries
          </Button>
          <Button
            size="sm"
            variant="danger"
            onClick={() => remove.mutate({ tenantId, endpointId: endpoint.id })}
          >
            Delete
          </Button>
        </div>
      ) : null}
      {notice ? (
        <Alert tone="info" className="mt-2">
          <span className="break-all">{notice}</span>
        </Alert>
      ) : null}
      {error ? (
        <Alert tone="bad" className="mt-2">
          {errorMessageOf(error)}
        </Alert>
      ) : null}
    </li>
  );
}

function DeliveriesTable({
  tenantId,
  rows,
  endpoints,
  canManage,
}: {
  tenantId: string;
  rows: TDelivery[];
  endpoints: TEndpoint[];
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidate(tenantId);
  const redeliver = useMutation(trpc.webhooks.redeliver.mutationOptions({ onSuccess: invalidate }));
  const urlOf = new Map(endpoints.map((e) => [e.id, e.url]));
  return (
    <Table label="Recent deliveries">
      <THead>
        <TR>
          <TH>Event</TH>
          <TH>Endpoint</TH>
          <TH>Status</TH>
          <TH>Attempts</TH>
          <TH>Created</TH>
        </TR>
      </THead>
      <TBody>
        {rows.map((d) => (
          <TR key={d.id}>
            <TD>
              <code className="font-mono text-xs">{d.eventType}</code>
              <div className="text-xs text-zinc-500">{d.webhookId}</div>
              {d.messageId ? <div className="text-xs text-zinc-500">message {d.messageId}</div> : null}
            </TD>
            <TD className="max-w-48 truncate text-xs">{urlOf.get(d.endpointId) ?? d.endpointId}</TD>
            <TD>
              <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
              {d.status === "pending" && d.attemptCount > 0 ? (
                <div className="text-xs text-zinc-500">
                  next <TimeStamp value={d.nextAttemptAt} format="time" />
                </div>
              ) : null}
              {canManage && d.status !== "succeeded" ? (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => redeliver.mutate({ tenantId, deliveryId: d.id })}
                >
                  Redeliver
                </Button>
              ) : null}
            </TD>
            <TD>
              <details>
                <summary className="min-h-6 cursor-pointer text-sm">
                  {d.attemptCount} attempt{d.attemptCount === 1 ? "" : "s"}
                  {d.lastStatusCode !== null
                    ? ` (last ${d.lastStatusCode})`
                    : d.lastError
                      ? " (no answer)"
                      : ""}
                </summary>
                <ol className="mt-2 flex flex-col gap-2">
                  {d.attempts.map((a) => (
                    <li key={a.id} className="rounded border border-zinc-200 p-2 text-xs">
                      <div>
                        #{a.attempt} <TimeStamp value={a.startedAt} format="short" /> · {a.latencyMs} ms ·{" "}
                        {a.responseStatus === null ? "no answer" : `HTTP ${a.responseStatus}`}
                      </div>
                      {a.error ? <div className="text-bad-700">{a.error}</div> : null}
                      {a.responseBody ? (
                        <pre className="mt-1 max-h-24 overflow-auto bg-zinc-50 p-1 whitespace-pre-wrap">
                          {a.responseBody}
                        </pre>
                      ) : null}
                      <div className="mt-1 text-zinc-500">
                        webhook-id {a.requestHeaders["webhook-id"] ?? "-"}
                      </div>
                    </li>
                  ))}
                </ol>
              </details>
            </TD>
            <TD>
              <TimeStamp value={d.createdAt} format="short" />
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
