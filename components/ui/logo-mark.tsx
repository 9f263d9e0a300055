// Waybill's mark (the same drawing as app/icon.svg). Decorative: always next to the word "Waybill".
import { cn } from "./cn";

export function LogoMark({ className }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 32 32" className={cn("size-5 shrink-0", className)}>
      <rect width="32" height="32" rx="7" fill="var(--color-accent-600)" />
      <path
        d="M8 11l3.5 11L16 13l4.5 9L24 11"
        fill="none"
        stroke="#fff"
        strokeWidth="2.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
