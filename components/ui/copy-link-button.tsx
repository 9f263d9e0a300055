"use client";
// "Copy link": the address of the page being looked at (without a #fragment), for sharing a
// message, a dispute or an operation in a ticket or a chat.
import { useSyncExternalStore } from "react";
import { CopyButton } from "./copy-button";

const noSubscribe = () => () => {};

export function CopyLinkButton({ path, label = "Copy link" }: { path?: string; label?: string }) {
  const href = useSyncExternalStore(
    noSubscribe,
    () => (path ? new URL(path, window.location.origin).toString() : window.location.href.split("#")[0]!),
    () => "",
  );
  return <CopyButton text={href} label={label} idleText="Copy link" />;
}
