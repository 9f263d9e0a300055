// One message as the console's dialogs address it: its tenant and its id.
export type TMessageRef = { tenantId: string; messageId: string };
