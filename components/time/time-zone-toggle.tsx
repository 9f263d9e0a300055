"use client";
// Names the zone times are shown in and switches to UTC and back: a pressed/unpressed button,
// so it works with a tap, a click or the keyboard.
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { zoneName } from "./format-time";
import { useDisplayZone } from "./time-zone";

export function TimeZoneToggle({ className }: { className?: string }) {
  const { zone, isResolved, showUtc, setShowUtc } = useDisplayZone();
  const name = isResolved ? zoneName(new Date(), zone) : "UTC";
  return (
    <span className={cn("inline-flex flex-wrap items-center gap-2 text-xs text-zinc-600", className)}>
      <span>
        Times in{" "}
        <span className="font-medium text-zinc-800">
          {showUtc || !isResolved ? "UTC" : `${zone} (${name})`}
        </span>
      </span>
      <Button variant="secondary" size="sm" aria-pressed={showUtc} onClick={() => setShowUtc(!showUtc)}>
        {showUtc ? "Show my time zone" : "Show UTC"}
      </Button>
    </span>
  );
}
