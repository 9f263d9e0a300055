"use client";
// CopyButton: copies a text to the clipboard and says so in a polite live region, so screen
// reader users hear "Copied" too. Falls back to selecting a hidden textarea where the async
// clipboard API is unavailable (plain http on a LAN address).
import { useEffect, useState } from "react";
import { Button, type TButtonSize } from "./button";

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try {
    if (!document.execCommand("copy")) throw new Error("copy refused");
  } finally {
    area.remove();
  }
}

export function CopyButton({
  text,
  label = "Copy",
  idleText = "Copy",
  size = "sm",
  variant = "secondary",
  className,
}: {
  text: string;
  /** the accessible name, e.g. "Copy request JSON" */
  label?: string;
  /** what the button says before it is pressed */
  idleText?: string;
  size?: TButtonSize;
  variant?: "secondary" | "ghost";
  className?: string;
}) {
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (status === "idle") return;
    const timer = setTimeout(() => setStatus("idle"), 2000);
    return () => clearTimeout(timer);
  }, [status]);
  return (
    <>
      <Button
        variant={variant}
        size={size}
        className={className}
        // the label names the button only while it shows idleText: once pressed, the visible
        // "Copied" must be (part of) the accessible name, or speech users saying what they see miss it
        aria-label={status === "idle" ? label : undefined}
        onClick={() => {
          copyText(text).then(
            () => setStatus("copied"),
            () => setStatus("failed"),
          );
        }}
      >
        {status === "copied" ? "Copied" : status === "failed" ? "Copy failed" : idleText}
      </Button>
      <span role="status" aria-live="polite" className="sr-only">
        {status === "copied" ? "Copied to the clipboard" : status === "failed" ? "Could not copy" : ""}
      </span>
    </>
  );
}
