"use client";
// The first thing on Operations: what is wrong now (error-rate spikes per tenant, paused numbers,
// in-doubt sends, stalled messages, quarantine), each linking to where it is acted on. Built from
// the readings the page already polls, so it refreshes with them.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { TAttentionItem } from "../_lib/needs-attention";

export function NeedsAttentionCard({ items, isLoading }: { items: TAttentionItem[]; isLoading: boolean }) {
  return (
    <Card
      title="Needs attention"
      description="What is wrong now, most urgent first. Each line links to where it is handled."
    >
      {items.length === 0 ? (
        <p className="text-sm text-zinc-700">
          {isLoading
            ? "Reading the platform…"
            : "Nothing needs attention: no spikes, pauses, doubts, stalls or quarantine."}
        </p>
      ) : (
        <ul aria-label="Needs attention" className="flex flex-col gap-2">
          {items.map((item) => (
            <li key={item.key} className="flex items-start gap-2 text-sm">
              <Badge tone={item.tone}>{item.tone === "bad" ? "Act now" : "Look"}</Badge>
              <Link
                href={item.href}
                className="text-zinc-900 underline underline-offset-2 hover:text-accent-700"
              >
                {item.text}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
