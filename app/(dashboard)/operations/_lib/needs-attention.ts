// What is wrong now, from the readings the Operations page already holds: the short list it
// opens with, most urgent first. Pure: the page passes what its queries returned (or undefined
// while loading) and renders the items.

export type TAttentionItem = {
  key: string;
  tone: "bad" | "warn";
  text: string;
  /** where the operator acts on it */
  href: string;
};

type TTenantRef = { tenantId: string; tenantSlug: string; tenantName: string };

export type TAttentionInputs = {
  paused?: readonly { tenantSlug: string; senderNumberId: string; displayNumber: string }[];
  inDoubt?: readonly { handling: "automatic" | "held" }[];
  providerErrors?: readonly (TTenantRef & {
    requested: number;
    rejected: number;
    failed: number;
    codes: readonly { errorCode: string; type: "provider_rejected" | "status_failed"; count: number }[];
  })[];
  quarantineOpen?: number;
  alertCounts?: readonly (TTenantRef & { kind: string; status: string; count: number })[];
};

/** A tenant's error rate worth waking someone for: this share of at least MIN_REQUESTED sends. */
export const SPIKE_SHARE = 0.1;
export const SPIKE_MIN_REQUESTED = 20;

const STALL_KINDS = new Set(["message_stalled", "stalled_share_jump"]);

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export function needsAttention(inputs: TAttentionInputs): TAttentionItem[] {
  const items: TAttentionItem[] = [];

  for (const t of inputs.providerErrors ?? []) {
    const errors = t.rejected + t.failed;
    if (t.requested < SPIKE_MIN_REQUESTED || errors / t.requested < SPIKE_SHARE) continue;
    const top = [...t.codes].sort((a, b) => b.count - a.count)[0];
    const how = top
      ? `${top.type === "provider_rejected" ? "rejected" : "failed"} with ${top.errorCode}`
      : "failed";
    const share = top ? top.count / t.requested : errors / t.requested;
    items.push({
      key: `errors:${t.tenantId}`,
      tone: "bad",
      text: `${percent(share)} of ${t.tenantName}'s sends ${how} in the last hour (${percent(errors / t.requested)} failed in all, of ${t.requested.toLocaleString("en")})`,
      href: "#provider-errors",
    });
  }

  const paused = inputs.paused ?? [];
  for (const p of paused.slice(0, 3)) {
    items.push({
      key: `paused:${p.senderNumberId}`,
      tone: "bad",
      text: `${p.displayNumber} (${p.tenantSlug}) is paused: its queue waits`,
      href: `/t/${encodeURIComponent(p.tenantSlug)}/senders#sender-${p.senderNumberId}`,
    });
  }
  if (paused.length > 3) {
    items.push({
      key: "paused:more",
      tone: "bad",
      text: `${plural(paused.length - 3, "more number", "more numbers")} paused`,
      href: "#paused-numbers",
    });
  }

  const held = (inputs.inDoubt ?? []).filter((a) => a.handling === "held").length;
  const inDoubt = inputs.inDoubt?.length ?? 0;
  if (inDoubt > 0) {
    items.push({
      key: "in-doubt",
      tone: held > 0 ? "bad" : "warn",
      text: `${plural(inDoubt, "send", "sends")} in doubt${held > 0 ? `, ${held.toLocaleString("en")} held for an engineer` : ", retried automatically"}`,
      href: "#in-doubt",
    });
  }

  const stalled = new Map<string, { tenant: TTenantRef; count: number }>();
  for (const c of inputs.alertCounts ?? []) {
    if (!STALL_KINDS.has(c.kind) || c.status !== "open") continue;
    const entry = stalled.get(c.tenantId) ?? { tenant: c, count: 0 };
    entry.count += c.count;
    stalled.set(c.tenantId, entry);
  }
  for (const { tenant, count } of stalled.values()) {
    items.push({
      key: `stalled:${tenant.tenantId}`,
      tone: "warn",
      text: `${plural(count, "open stall alert", "open stall alerts")} at ${tenant.tenantName}`,
      href: `/t/${encodeURIComponent(tenant.tenantSlug)}/stalled`,
    });
  }

  const quarantine = inputs.quarantineOpen ?? 0;
  if (quarantine > 0) {
    items.push({
      key: "quarantine",
      tone: "warn",
      text: `${plural(quarantine, "webhook item", "webhook items")} in quarantine`,
      href: "#quarantine",
    });
  }
  return items;
}
