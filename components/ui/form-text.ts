// Reads a text field from FormData. A file input would yield a File; forms here have none, and
// "" is the safe reading of anything that is not text.
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
