// The ticket sentence: the message's answer with its times printed in a named zone, e.g.
// "Delivered to the handset 2 Dec 19:32:28 CET (18:32:28 UTC), read 19:32:33". Pure: the zone is
// an argument, so the page and the "copy for ticket" button print exactly the same words.
import { formatInZone, isSameDay, zoneName } from "@/components/time/format-time";
import type { TMessageAnswer } from "@/server/domain/reconciliation/answer";

export type TAnswerView = Pick<TMessageAnswer, "headline" | "milestones" | "pending" | "failure">;

export function answerSentence(answer: TAnswerView, zone: string): string {
  const [first, ...rest] = answer.milestones;
  let text = answer.headline;
  if (first) {
    const isUtc = zoneName(first.at, zone) === "UTC";
    text = `${first.label} ${formatInZone(first.at, zone, "date-time")} ${zoneName(first.at, zone)}`;
    if (!isUtc) text += ` (${formatInZone(first.at, "UTC", "time")} UTC)`;
    for (const m of rest) {
      const format = isSameDay(first.at, m.at, zone) ? "time" : "date-time";
      text += `, ${m.label} ${formatInZone(m.at, zone, format)}`;
    }
  }
  if (answer.failure) {
    const { code, cause, nextStep } = answer.failure;
    text += `: ${code ? `${code}, ` : ""}${cause}; ${nextStep}`;
  } else if (answer.pending) {
    text += `; ${answer.pending}`;
  }
  return text;
}
