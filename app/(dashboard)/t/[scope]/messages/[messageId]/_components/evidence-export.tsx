"use client";
// Evidence export: one click builds the bundle on the server (audited), downloads the JSON at once
// and offers the printable HTML summary, with the command that verifies either file offline.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { FormMessage } from "@/components/ui/form-message";
import { errorMessageOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import type { TMessageRef } from "./action-dialogs";

function download(fileName: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // give the browser a moment to start the download before the URL goes
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function EvidenceExport({ target }: { target: TMessageRef }) {
  const trpc = useTRPC();
  const [exported, setExported] = useState<{
    fileName: string;
    json: string;
    htmlFileName: string;
    html: string;
    bundleSha256: string;
    eventCount: number;
  } | null>(null);
  const exportEvidence = useMutation(
    trpc.messages.exportEvidence.mutationOptions({
      onSuccess: (result) => {
        setExported(result);
        download(result.fileName, result.json, "application/json");
      },
    }),
  );
  const command = exported ? `npm run waybill -- evidence:verify ${exported.fileName}` : "";
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-zinc-600">
        A self-verifying bundle: the request, every ledger event with its hash chain, raw webhooks, the
        derived state and its rules version, interventions and disputes. Exports are recorded in the audit
        log.
      </p>
      <div>
        <Button
          onClick={() => exportEvidence.mutate(target)}
          isPending={exportEvidence.isPending}
          pendingLabel="Exporting…"
        >
          Export evidence
        </Button>
      </div>
      <FormMessage message={exportEvidence.isError ? errorMessageOf(exportEvidence.error) : null} />
      {exported ? (
        <Alert tone="ok">
          <div role="status" className="flex flex-col gap-2">
            <p>
              Downloaded <span className="font-mono">{exported.fileName}</span> ({exported.eventCount}{" "}
              events).
            </p>
            <p className="text-xs break-all">
              Bundle SHA-256 <span className="font-mono">{exported.bundleSha256}</span>
            </p>
            <div className="flex flex-wrap gap-2">
              <Button
                variant="secondary"
                size="sm"
                onClick={() => download(exported.htmlFileName, exported.html, "text/html")}
              >
                Download printable summary (HTML)
              </Button>
              <Button
                variant="ghost"
                size="sm"
                onClick={() => download(exported.fileName, exported.json, "application/json")}
              >
                Download JSON again
              </Button>
            </div>
            <p className="text-xs">Anyone can verify it offline:</p>
            <div className="flex items-center gap-2">
              <code className="min-w-0 flex-1 overflow-x-auto rounded bg-white/70 px-2 py-1 font-mono text-xs whitespace-nowrap">
                {command}
              </code>
              <CopyButton text={command} label="Copy the verification command" />
            </div>
          </div>
        </Alert>
      ) : null}
    </div>
  );
}
