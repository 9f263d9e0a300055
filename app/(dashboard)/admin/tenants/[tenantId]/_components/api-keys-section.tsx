"use client";
// A tenant's API keys: list (hints only), "Create API key" (plaintext shown once) and "Revoke".
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { ApiKeyRevealDialog } from "./api-key-reveal-dialog";
import { RevokeApiKeyDialog, type TRevokeTarget } from "./revoke-api-key-dialog";
import { formText } from "@/components/ui/form-text";
import { QueryState } from "@/components/query/query-state";

function ApiKeysTable({
  tenantId,
  onRevoke,
}: {
  tenantId: string;
  onRevoke: (target: TRevokeTarget) => void;
}) {
  const trpc = useTRPC();
  const keys = useQuery(trpc.admin.listApiKeys.queryOptions({ tenantId }));
  return (
    <QueryState
      query={keys}
      what="API keys"
      rows={3}
      isEmpty={(d) => d.length === 0}
      empty={{ note: "No API keys yet. The tenant's systems need one to send messages through the API." }}
    >
      {(list) => {
        return (
          <Table label="API keys" className="-mx-4">
            <THead>
              <tr>
                <TH>Name</TH>
                <TH>Key</TH>
                <TH>Created by</TH>
                <TH>Created</TH>
                <TH>Last used</TH>
                <TH>Status</TH>
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {list.map((k) => (
                <TR key={k.id} className={k.revokedAt ? "text-zinc-500" : undefined}>
                  <TD className="font-medium">{k.name}</TD>
                  <TD className="font-mono text-xs whitespace-nowrap text-zinc-600">
                    <span className="sr-only">ending in </span>…{k.hint}
                  </TD>
                  <TD className="whitespace-nowrap text-zinc-600">{actorText(k.createdByLabel)}</TD>
                  <TD className="whitespace-nowrap text-zinc-600">
                    <TimeStamp format="short" value={k.createdAt} />
                  </TD>
                  <TD className="whitespace-nowrap text-zinc-600">
                    <TimeStamp format="short" value={k.lastUsedAt} fallback="Never" />
                  </TD>
                  <TD className="whitespace-nowrap">
                    {k.revokedAt ? (
                      <span className="flex flex-col items-start gap-0.5">
                        <Badge tone="bad">Revoked</Badge>
                        <span className="text-xs text-zinc-500">
                          <TimeStamp format="short" value={k.revokedAt} />
                          {k.revokedByLabel ? (
                            <span className="block">by {actorText(k.revokedByLabel)}</span>
                          ) : null}
                        </span>
                      </span>
                    ) : (
                      <Badge tone="ok" hasDot>
                        Active
                      </Badge>
                    )}
                  </TD>
                  <TD className="text-right">
                    {k.revokedAt ? null : (
                      <Button
                        variant="secondary"
                        size="sm"
                        aria-label={`Revoke API key ${k.name}`}
                        onClick={() => onRevoke({ id: k.id, name: k.name, hint: k.hint })}
                      >
                        Revoke
                      </Button>
                    )}
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        );
      }}
    </QueryState>
  );
}

function CreateApiKeyForm({
  tenantId,
  onCreated,
}: {
  tenantId: string;
  onCreated: (name: string, apiKey: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.admin.createApiKey.mutationOptions({
      onSuccess: async (result) => {
        onCreated(result.name, result.apiKey);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.listApiKeys.queryKey({ tenantId }) });
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);
  return (
    <form
      aria-label="Create API key"
      noValidate
      className="flex flex-col gap-3 sm:flex-row sm:items-start"
      onSubmit={(event) => {
        event.preventDefault();
        const formElement = event.currentTarget;
        if (create.isPending) return;
        const name = formText(new FormData(event.currentTarget), "name").trim();
        create.mutate({ tenantId, name }, { onSuccess: () => formElement.reset() });
      }}
    >
      <Field
        label="Key name"
        hint="Where the key will be used, e.g. “Production CRM”."
        error={fieldError(errors, "name")}
        className="sm:w-80"
      >
        {(control) => <Input {...control} name="name" required autoComplete="off" maxLength={100} />}
      </Field>
      <div className="flex flex-col gap-2 sm:pt-6">
        <Button type="submit" isPending={create.isPending} pendingLabel="Creating…">
          Create API key
        </Button>
      </div>
      <FormMessage
        className="sm:flex-1 sm:pt-6"
        message={create.isError ? errorMessageOf(create.error) : null}
      />
    </form>
  );
}

export function ApiKeysSection({ tenantId, tenantName }: { tenantId: string; tenantName: string }) {
  const [revealed, setRevealed] = useState<{ name: string; apiKey: string } | null>(null);
  const [revokeTarget, setRevokeTarget] = useState<TRevokeTarget | null>(null);
  return (
    <Card
      title="API keys"
      description={`Keys ${tenantName}'s systems use to call the Waybill API. Only the last four characters are kept for recognition.`}
    >
      <div className="flex flex-col gap-6">
        <ApiKeysTable tenantId={tenantId} onRevoke={setRevokeTarget} />
        <div className="border-t border-zinc-200 pt-4">
          <h3 className="mb-3 text-sm font-semibold text-zinc-900">Create API key</h3>
          <CreateApiKeyForm tenantId={tenantId} onCreated={(name, apiKey) => setRevealed({ name, apiKey })} />
        </div>
      </div>
      <ApiKeyRevealDialog
        apiKey={revealed?.apiKey ?? null}
        keyName={revealed?.name ?? ""}
        // dropping the plaintext from memory once the dialog closes
        onClose={() => setRevealed(null)}
      />
      <RevokeApiKeyDialog tenantId={tenantId} target={revokeTarget} onClose={() => setRevokeTarget(null)} />
    </Card>
  );
}
