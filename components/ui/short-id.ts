// How the console abbreviates ids, and the server too in the texts it writes for the console (a
// timeline headline, a bulk action's description and reason). UUIDv7 ids start with their
// creation time, so records made in the same second share their first characters: they are told
// apart by their random tail.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function shortId(id: string): string {
  const match = UUID.exec(id);
  if (!match) return id.length > 12 ? `${id.slice(0, 12)}…` : id;
  return match[1] === "7" ? `…${id.slice(-8)}` : `${id.slice(0, 8)}…`;
}
