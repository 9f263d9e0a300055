// Button: four variants, two sizes, and a pending state that blocks double submits.
import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";
import { Spinner } from "./spinner";

export type TButtonVariant = "primary" | "secondary" | "danger" | "ghost";
export type TButtonSize = "sm" | "md";

const VARIANTS: Record<TButtonVariant, string> = {
  primary: "bg-accent-600 text-white shadow-sm hover:bg-accent-700 disabled:bg-accent-200",
  secondary:
    "bg-white text-zinc-800 shadow-sm ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 disabled:text-zinc-400",
  danger: "bg-bad-600 text-white shadow-sm hover:bg-bad-700 disabled:bg-red-200",
  ghost: "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 disabled:text-zinc-400",
};

const SIZES: Record<TButtonSize, string> = {
  sm: "h-7 gap-1.5 px-2.5 text-xs",
  md: "h-9 gap-2 px-3.5 text-sm",
};

export function buttonClasses(
  variant: TButtonVariant = "primary",
  size: TButtonSize = "md",
  className?: string,
) {
  return cn(
    "inline-flex items-center justify-center rounded-md font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed",
    VARIANTS[variant],
    SIZES[size],
    className,
  );
}

export type TButtonProps = ComponentProps<"button"> & {
  variant?: TButtonVariant;
  size?: TButtonSize;
  /** disables the button and shows a spinner; `pendingLabel` replaces the text while pending */
  isPending?: boolean;
  pendingLabel?: ReactNode;
};

export function Button({
  variant = "primary",
  size = "md",
  isPending = false,
  pendingLabel,
  disabled,
  className,
  type = "button",
  children,
  ...rest
}: TButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled || isPending}
      aria-busy={isPending || undefined}
      className={buttonClasses(variant, size, className)}
      {...rest}
    >
      {isPending ? <Spinner /> : null}
      {isPending && pendingLabel ? pendingLabel : children}
    </button>
  );
}
