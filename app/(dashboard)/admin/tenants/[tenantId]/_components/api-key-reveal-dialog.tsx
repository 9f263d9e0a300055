"use client";
// Shows a new API key's plaintext exactly once, with a copy button. Waybill stores only a hash,
// so closing this dialog is the last chance to copy it.
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

export function ApiKeyRevealDialog({
  apiKey,
  keyName,
  onClose,
}: {
  apiKey: string | null;
  keyName: string;
  onClose: () => void;
}) {
  const [copyStatus, setCopyStatus] = useState<"idle" | "copied" | "failed">("idle");

  async function copy() {
    if (!apiKey) return;
    try {
      await navigator.clipboard.writeText(apiKey);
      setCopyStatus("copied");
    } catch {
      // clipboard access needs a secure context and permission; selecting lets the user copy by hand
      setCopyStatus("failed");
    }
  }

  return (
    <Dialog
      isOpen={apiKey !== null}
      onClose={() => {
        setCopyStatus("idle");
        onClose();
      }}
      title="API key created"
      isDismissable={false}
      description={`The key “${keyName}” is ready. Give it to the tenant's developers through a secure channel.`}
    >
      <Alert tone="warn">
        <strong className="font-semibold">Copy this key now.</strong> It will not be shown again: Waybill
        keeps only a hash of it.
      </Alert>
      <Field label="API key">
        {(control) => (
          <Input
            {...control}
            readOnly
            value={apiKey ?? ""}
            className="font-mono"
            spellCheck={false}
            onFocus={(event) => event.currentTarget.select()}
          />
        )}
      </Field>
      <p aria-live="polite" className="min-h-5 text-xs">
        {copyStatus === "copied" ? <span className="text-ok-700">Copied to the clipboard.</span> : null}
        {copyStatus === "failed" ? (
          <span className="text-bad-700">
            Could not copy automatically. Select the key and copy it by hand.
          </span>
        ) : null}
      </p>
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <form method="dialog">
          <Button type="submit" variant="secondary" className="w-full sm:w-auto">
            Done
          </Button>
        </form>
        <Button onClick={() => void copy()}>{copyStatus === "copied" ? "Copied" : "Copy key"}</Button>
      </div>
    </Dialog>
  );
}
