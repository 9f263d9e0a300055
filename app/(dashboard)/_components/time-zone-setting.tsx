"use client";
// The signed-in user's display time zone (saved on their account, so every browser they use
// shows the same zone) and the UTC toggle.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo } from "react";
import { browserZone, useDisplayZone } from "@/components/time/time-zone";
import { TimeZoneToggle } from "@/components/time/time-zone-toggle";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/client";

function zoneOptions(saved: string | null): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const all = new Set(["UTC", ...zones]);
  if (saved) all.add(saved);
  return [...all];
}

export function TimeZoneSetting() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { savedZone, isResolved } = useDisplayZone();
  const id = useId();
  const save = useMutation(
    trpc.me.setTimeZone.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.me.get.queryFilter()),
    }),
  );
  const options = useMemo(() => (isResolved ? zoneOptions(savedZone) : []), [isResolved, savedZone]);
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-xs font-medium text-zinc-700">
        Time zone
      </label>
      <Select
        id={id}
        value={savedZone ?? ""}
        disabled={save.isPending}
        onChange={(event) => save.mutate({ timeZone: event.target.value || null })}
      >
        <option value="">This browser&apos;s ({isResolved ? browserZone() : "…"})</option>
        {options.map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
        {!isResolved && savedZone ? <option value={savedZone}>{savedZone}</option> : null}
      </Select>
      {save.isError ? (
        <p role="alert" className="text-xs text-bad-700">
          Could not save the time zone.
        </p>
      ) : null}
      <TimeZoneToggle />
    </div>
  );
}
