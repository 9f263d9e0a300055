// Field: a label, the control, an optional hint and an error, wired together with ids so the
// control's accessible name is the label and its description carries the hint and the error.
import { useId, type ReactNode } from "react";
import { cn } from "./cn";

export type TFieldControlProps = {
  id: string;
  "aria-describedby": string | undefined;
  "aria-invalid": boolean | undefined;
};

export type TFieldProps = {
  label: ReactNode;
  hint?: ReactNode;
  /** one message or the list zod returned for this field */
  error?: string | readonly string[] | null;
  isOptional?: boolean;
  className?: string;
  children: (control: TFieldControlProps) => ReactNode;
};

export function Field({ label, hint, error, isOptional = false, className, children }: TFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const message = typeof error === "string" ? error : error?.length ? error.join(" ") : null;
  const describedBy = [hint ? hintId : null, message ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <label htmlFor={id} className="text-sm font-medium text-zinc-800">
        {label}
        {isOptional ? <span className="ml-1 font-normal text-zinc-500">(optional)</span> : null}
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": message ? true : undefined })}
      {hint ? (
        <p id={hintId} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
      {message ? (
        <p id={errorId} className="text-xs font-medium text-bad-700">
          {message}
        </p>
      ) : null}
    </div>
  );
}
