"use client";
// Dialog on the native <dialog> element: showModal() gives the focus trap, Escape to close,
// inert background and top-layer stacking without a library.
import { useEffect, useId, useRef, type ReactNode } from "react";
import { cn } from "./cn";

export type TDialogProps = {
  isOpen: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  /** "alertdialog" for confirmations of destructive actions */
  role?: "dialog" | "alertdialog";
  /** false: Escape does not close it (for content that cannot be shown again) */
  isDismissable?: boolean;
  className?: string;
  children: ReactNode;
};

export function Dialog({
  isOpen,
  onClose,
  title,
  description,
  role = "dialog",
  isDismissable = true,
  className,
  children,
}: TDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (isOpen && !dialog.open) dialog.showModal();
    if (!isOpen && dialog.open) dialog.close();
  }, [isOpen]);

  return (
    <dialog
      ref={ref}
      role={role === "alertdialog" ? "alertdialog" : undefined}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // Escape and form[method=dialog] close the element natively; keep React state in step
      onClose={onClose}
      onCancel={(event) => {
        if (!isDismissable) event.preventDefault();
      }}
      className={cn(
        "m-auto w-[calc(100%-2rem)] max-w-lg rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40",
        className,
      )}
    >
      {/* children mount only while open, so each opening starts from a clean form */}
      {isOpen ? (
        <div className="flex flex-col gap-4 p-5">
          <div>
            <h2 id={titleId} className="text-base font-semibold text-zinc-900">
              {title}
            </h2>
            {description ? (
              <p id={descriptionId} className="mt-1 text-sm text-zinc-600">
                {description}
              </p>
            ) : null}
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
