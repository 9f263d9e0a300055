// Shapes shared by the steps of processing a claimed batch (process-batch.ts and its helpers).
import type { TQuarantineReason, TWebhookItem } from "@/server/ingest/parse-webhook";

export type TClaimedRow = {
  id: string;
  body: Uint8Array | null;
  receivedAt: Date;
  processCount: number;
  replayId: string | null;
};

export type TProcessingResult = {
  statuses: {
    applied: number;
    duplicate: number;
    alreadyRecorded: number;
    orphaned: number;
    ignored: number;
  };
  senderHealth: number;
  templates: number;
  ignored: Record<string, number>;
  quarantined: number;
  isReplay: boolean;
};

export type TRowOutcome = {
  id: string;
  status: "processed" | "quarantined";
  tenantIds: string[];
  result: TProcessingResult;
};

export type TQuarantineItem = {
  rawWebhookId: string;
  itemPath: string;
  reason: TQuarantineReason;
  detail: string;
  field: string | null;
  phoneNumberId: string | null;
  wabaId: string | null;
  item: unknown;
  tenantId: string | null;
};

export type TDirectoryRow = {
  phone_number_id: string;
  tenant_id: string;
  sender_number_id: string;
  waba_id: string;
  display_number: string;
};

export type TResolvedStatus = {
  row: TClaimedRow;
  item: Extract<TWebhookItem, { kind: "status" }>;
  tenantId: string;
  senderNumberId: string;
};
