// Badges for a sender number's Meta-reported health: quality rating, messaging-limit tier and
// connection status. Records keyed by the server's enums, so a new value needs a label here.
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import type { TSenderNumber, TTenantStatus } from "@/trpc/router-types";

const QUALITY: Record<TSenderNumber["qualityRating"], { label: string; tone: TBadgeTone }> = {
  GREEN: { label: "High quality", tone: "ok" },
  YELLOW: { label: "Medium quality", tone: "warn" },
  RED: { label: "Low quality", tone: "bad" },
  UNKNOWN: { label: "Quality unknown", tone: "neutral" },
};

const TIER: Record<TSenderNumber["messagingLimitTier"], string> = {
  TIER_50: "50 / 24 h",
  TIER_250: "250 / 24 h",
  TIER_1K: "1K / 24 h",
  TIER_2K: "2K / 24 h",
  TIER_10K: "10K / 24 h",
  TIER_100K: "100K / 24 h",
  TIER_UNLIMITED: "Unlimited",
  UNKNOWN: "Unknown",
};

const SENDER_STATUS: Record<TSenderNumber["status"], { label: string; tone: TBadgeTone }> = {
  CONNECTED: { label: "Connected", tone: "ok" },
  PENDING: { label: "Pending", tone: "neutral" },
  FLAGGED: { label: "Flagged", tone: "warn" },
  RESTRICTED: { label: "Restricted", tone: "bad" },
  DISCONNECTED: { label: "Disconnected", tone: "bad" },
  PAUSED: { label: "Paused", tone: "warn" },
};

const TENANT_STATUS: Record<TTenantStatus, { label: string; tone: TBadgeTone }> = {
  active: { label: "Active", tone: "ok" },
  paused: { label: "Paused", tone: "warn" },
  disabled: { label: "Disabled", tone: "bad" },
};

export function QualityBadge({ rating }: { rating: TSenderNumber["qualityRating"] }) {
  const q = QUALITY[rating];
  return (
    <Badge tone={q.tone} hasDot title="Quality rating reported by Meta">
      {q.label}
    </Badge>
  );
}

export function TierBadge({ tier }: { tier: TSenderNumber["messagingLimitTier"] }) {
  return (
    <Badge title="Messaging limit: business-initiated conversations per 24 hours">
      <span className="sr-only">Messaging limit: </span>
      {TIER[tier]}
    </Badge>
  );
}

export function SenderStatusBadge({ status }: { status: TSenderNumber["status"] }) {
  const s = SENDER_STATUS[status];
  return (
    <Badge tone={s.tone} hasDot>
      {s.label}
    </Badge>
  );
}

export function TenantStatusBadge({ status }: { status: TTenantStatus }) {
  const s = TENANT_STATUS[status];
  return (
    <Badge tone={s.tone} hasDot>
      {s.label}
    </Badge>
  );
}
