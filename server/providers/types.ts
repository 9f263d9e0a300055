// The provider interface the sending pipeline talks to. The WhatsApp Cloud API client
// (whatsapp-cloud/) implements it; a second provider (Twilio) would too. The simulator is not a
// provider: it is a fake Cloud API the real client talks to over HTTP.
import type { TSendFailure } from "@/server/domain/sending/classify-failure";
import type { TCloudMessageBody } from "@/server/domain/sending/send-request";

export type TProviderSendRequest = {
  /** The Graph id of the sending number (not its E.164 number). */
  phoneNumberId: string;
  accessToken: string;
  body: TCloudMessageBody;
};

/** What the provider said, kept whole for the ledger's payload (minus anything secret). */
export type TProviderRecord = {
  httpStatus: number | null;
  /** The parsed JSON response body when there was one, else null. */
  body: unknown;
  durationMs: number;
};

export type TProviderSendResult =
  | {
      ok: true;
      providerMessageId: string;
      /** `accepted`, `held_for_quality_assessment` or `paused` (template pacing); none means delivered. */
      messageStatus: string | null;
      waId: string | null;
      record: TProviderRecord;
    }
  | { ok: false; failure: TSendFailure; record: TProviderRecord };

export type TMessagingProvider = {
  readonly name: string;
  send(request: TProviderSendRequest, signal?: AbortSignal): Promise<TProviderSendResult>;
};
