// Graph API answers as Meta shapes them (reference sections 1.4 and 1.5): the success body, the
// error object, and the validation the send endpoint does before it accepts anything.
import { lookupErrorCode } from "@/server/domain/sending/error-catalog";
import type { TGraphError, TGraphPhoneNumber, TGraphSendSuccess } from "../whatsapp-cloud/wire";

export type TGraphAnswer = { status: number; body: TGraphError | TGraphSendSuccess | TGraphPhoneNumber };

const FBTRACE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

export function fbtraceId(random: () => number): string {
  let id = "A";
  for (let i = 0; i < 16; i += 1) id += FBTRACE_ALPHABET[Math.floor(random() * FBTRACE_ALPHABET.length)];
  return id;
}

export function graphError(
  random: () => number,
  status: number,
  error: Omit<TGraphError["error"], "fbtrace_id" | "type"> & { type?: string },
): TGraphAnswer {
  return {
    status,
    body: { error: { ...error, type: error.type ?? "OAuthException", fbtrace_id: fbtraceId(random) } },
  };
}

/** The error a code produces at the send endpoint, titled and with the HTTP status Meta uses. */
export function errorForCode(random: () => number, code: number, details?: string): TGraphAnswer {
  const known = lookupErrorCode(code);
  const title = known?.title ?? "Unknown error";
  const status = known?.httpStatus ?? 400;
  return graphError(random, status, {
    message: `(#${code}) ${title}`,
    code,
    error_data: { messaging_product: "whatsapp", details: details ?? known?.hint ?? title },
    ...(code === 2 || code === 131016 || code === 131000 ? { is_transient: true } : {}),
  });
}

export function invalidTokenError(random: () => number, isMissing: boolean): TGraphAnswer {
  return graphError(random, 401, {
    message: isMissing
      ? "Invalid OAuth access token - Cannot parse access token"
      : "Error validating access token: Session has expired on Friday, 27-Nov-26 10:00:00 PST.",
    code: 190,
    ...(isMissing ? {} : { error_subcode: 463 }),
  });
}

export function unknownObjectError(
  random: () => number,
  phoneNumberId: string,
  method: "post" | "get" = "post",
): TGraphAnswer {
  return graphError(random, 400, {
    message: `Unsupported ${method} request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: "GraphMethodException",
    code: 100,
    error_subcode: 33,
  });
}

export function unknownPathError(random: () => number, path: string): TGraphAnswer {
  return graphError(random, 400, { message: `Unknown path components: ${path}`, code: 2500 });
}

const MESSAGE_TYPES = [
  "text",
  "image",
  "video",
  "audio",
  "document",
  "sticker",
  "location",
  "contacts",
  "interactive",
  "template",
  "reaction",
] as const;

export type TValidSend = {
  /** `to` exactly as sent (echoed as contacts[].input). */
  input: string;
  /** E.164 digits. */
  to: string;
  type: (typeof MESSAGE_TYPES)[number];
  callbackData: string | null;
  templateName: string | null;
};

/** The send endpoint's request validation, with Meta's messages. */
export function validateSendBody(
  random: () => number,
  body: unknown,
): { ok: true; value: TValidSend } | { ok: false; answer: TGraphAnswer } {
  const invalid = (message: string, code = 100) => ({
    ok: false as const,
    answer: graphError(random, 400, {
      message: `(#${code}) ${message}`,
      code,
      ...(code !== 100 ? { error_data: { messaging_product: "whatsapp", details: message } } : {}),
    }),
  });
  if (typeof body !== "object" || body === null || Array.isArray(body)) return invalid("Invalid parameter");
  const b = body as Record<string, unknown>;
  if (b.messaging_product === undefined) return invalid("The parameter messaging_product is required.");
  if (b.messaging_product !== "whatsapp") {
    return invalid(
      `Param messaging_product must be one of {WHATSAPP} - got ${JSON.stringify(b.messaging_product)}.`,
    );
  }
  if (b.recipient_type !== undefined && b.recipient_type !== "individual" && b.recipient_type !== "group") {
    return invalid(
      `Param recipient_type must be one of {INDIVIDUAL, GROUP} - got ${JSON.stringify(b.recipient_type)}.`,
    );
  }
  if (b.to === undefined || b.to === "") return invalid("The parameter to is required.");
  if (typeof b.to !== "string" || !/^\+?[0-9]{5,20}$/.test(b.to)) {
    return invalid("Parameter value is not valid", 131009);
  }
  const type = b.type ?? "text";
  if (typeof type !== "string" || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    return invalid(
      `Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(", ")}} - got ${JSON.stringify(type)}.`,
    );
  }
  if (b.biz_opaque_callback_data !== undefined) {
    if (typeof b.biz_opaque_callback_data !== "string")
      return invalid("Param biz_opaque_callback_data must be a string.");
    if (b.biz_opaque_callback_data.length > 512) {
      return invalid("Param biz_opaque_callback_data must be at most 512 characters long.");
    }
  }
  const content = b[type];
  if (typeof content !== "object" || content === null) return invalid(`The parameter ${type} is required.`);
  const c = content as Record<string, unknown>;
  let templateName: string | null = null;
  if (type === "text") {
    if (typeof c.body !== "string" || c.body.length === 0)
      return invalid("The parameter text['body'] is required.");
    if (c.body.length > 4096) return invalid("Param text['body'] must be at most 4096 characters long.");
  }
  if (type === "template") {
    if (typeof c.name !== "string" || c.name.length === 0)
      return invalid("The parameter template['name'] is required.");
    const language = c.language as Record<string, unknown> | undefined;
    if (typeof language !== "object" || language === null)
      return invalid("The parameter template['language'] is required.");
    if (typeof language.code !== "string" || language.code.length === 0) {
      return invalid("The parameter template['language']['code'] is required.");
    }
    if (c.components !== undefined) {
      if (!Array.isArray(c.components)) return invalid("Param template['components'] must be an array.");
      for (const [i, component] of (c.components as unknown[]).entries()) {
        const comp = component as Record<string, unknown> | null;
        if (typeof comp !== "object" || comp === null || typeof comp.type !== "string") {
          return invalid(`The parameter template['components'][${i}]['type'] is required.`);
        }
        if (!["header", "body", "button", "footer"].includes(comp.type.toLowerCase())) {
          return invalid(
            `Param template['components'][${i}]['type'] must be one of {HEADER, BODY, BUTTON, FOOTER}.`,
          );
        }
        if (comp.parameters !== undefined && !Array.isArray(comp.parameters)) {
          return invalid(`Param template['components'][${i}]['parameters'] must be an array.`);
        }
      }
    }
    templateName = c.name;
  }
  return {
    ok: true,
    value: {
      input: b.to,
      to: b.to.replace(/^\+/, ""),
      type: type as TValidSend["type"],
      callbackData: typeof b.biz_opaque_callback_data === "string" ? b.biz_opaque_callback_data : null,
      templateName,
    },
  };
}

/** A wamid shaped like Meta's: base64 of a small protobuf holding the recipient and an id. */
export function makeWamid(recipient: string, random: () => number): string {
  const id = Array.from({ length: 18 }, () => "0123456789ABCDEF"[Math.floor(random() * 16)]).join("");
  const inner = `\x18\x0d${recipient}\x15\x02\x00\x11\x18\x12${id}\x00`;
  return `wamid.${Buffer.from(inner, "latin1").toString("base64")}`;
}

/** A send's answer; a template's carries its `message_status` (template pacing), a text's none. */
export function sendSuccess(
  to: string,
  wamid: string,
  isTemplate: boolean,
  templateMessageStatus: string = "accepted",
): TGraphAnswer {
  return {
    status: 200,
    body: {
      messaging_product: "whatsapp",
      contacts: [{ input: to, wa_id: to.replace(/^\+/, "") }],
      messages: [{ id: wamid, ...(isTemplate ? { message_status: templateMessageStatus } : {}) }],
    },
  };
}
