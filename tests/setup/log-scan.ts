// Scans application logs for personal data: the phone numbers and message bodies a test seeded,
// and anything shaped like an E.164 number ("+" and 8-15 digits). A finding names the line and
// the kind of data, never repeats the data itself.
const E164 = /\+[1-9]\d{7,14}\b/;

export type TLogFinding = { line: number; kind: "seeded number" | "message body" | "E.164 number" };

export function scanLogs(
  logs: readonly string[],
  seeded: { phoneNumbers: readonly string[]; bodies: readonly string[] },
): TLogFinding[] {
  const findings: TLogFinding[] = [];
  const lines = logs.join("\n").split("\n");
  lines.forEach((text, index) => {
    const line = index + 1;
    if (seeded.phoneNumbers.some((n) => text.includes(n.replace(/^\+/, ""))))
      findings.push({ line, kind: "seeded number" });
    if (seeded.bodies.some((b) => text.includes(b))) findings.push({ line, kind: "message body" });
    if (E164.test(text)) findings.push({ line, kind: "E.164 number" });
  });
  return findings;
}
