// Plain-language help for the error codes the console shows, from the sending pipeline's
// catalogue (server/domain/sending/error-catalog.ts) plus our own transport codes. Pure.
import { lookupErrorCode, type TDisposition } from "../sending/error-catalog";

export type TErrorCodeInfo = {
  code: string;
  title: string;
  hint: string | null;
  disposition: TDisposition | null;
};

const TRANSPORT: Record<string, { title: string; hint: string }> = {
  "transport.timeout": {
    title: "No answer from Meta in time",
    hint: "The request may or may not have reached Meta; Waybill waits for a webhook before retrying.",
  },
  "transport.network": {
    title: "Network error before Meta answered",
    hint: "The connection to Meta failed; the send is retried.",
  },
  "transport.invalid_response": {
    title: "Unreadable answer from Meta",
    hint: "Meta's answer could not be read; the attempt is treated as in doubt.",
  },
};

export function errorCodeInfo(code: string): TErrorCodeInfo {
  if (code === "") {
    return {
      code,
      title: "No error code",
      hint: "The message failed without an error code (e.g. cancelled by an operator or dead-lettered by a pause).",
      disposition: null,
    };
  }
  const transport = TRANSPORT[code];
  if (transport) return { code, ...transport, disposition: null };
  const entry = /^\d+$/.test(code) ? lookupErrorCode(Number(code)) : null;
  if (!entry) return { code, title: `Error ${code}`, hint: null, disposition: null };
  return { code, title: entry.title, hint: entry.hint, disposition: entry.disposition };
}
