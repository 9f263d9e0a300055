// Meta's enum words as people read them, for the text the server builds (the timeline's facts,
// support's list of problems): the same sentence casing as the console's `enumLabel`, so a fact
// reads "Name: Approved" in the timeline just as the aspect above it does.

/** APPROVED -> "Approved", PENDING_DELETION -> "Pending deletion". */
export function enumWords(value: string): string {
  const words = value.toLowerCase().replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** RESTRICTED_BIZ_INITIATED_MESSAGING -> "Business-initiated messaging" (what is restricted). */
export function restrictionLabel(type: string): string {
  return enumWords(
    type
      .replace(/^RESTRICTED_/, "")
      .replace(/(^|_)BIZ(?=_|$)/, "$1BUSINESS")
      .replace(/(BUSINESS|CUSTOMER)_INITIATED/g, "$1-INITIATED"),
  );
}
