"use client";
// The viewer's display zone: their saved zone (a per-user setting), else the browser's, or UTC
// when the "UTC" toggle is on. The toggle is a real button (it works on touch; a hover title
// alone does not) and is remembered in this browser. The server cannot know the browser's zone,
// so the first render prints UTC and the browser switches after hydration, without a mismatch.
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from "react";

const STORAGE_KEY = "waybill.show-utc";
const CHANGE_EVENT = "waybill:show-utc";

type TTimeZoneContext = {
  /** the user's saved IANA zone, or null for "the browser's zone" */
  savedZone: string | null;
};

const TimeZoneContext = createContext<TTimeZoneContext>({ savedZone: null });

export function TimeZoneProvider({ savedZone, children }: { savedZone: string | null; children: ReactNode }) {
  const value = useMemo(() => ({ savedZone }), [savedZone]);
  return <TimeZoneContext.Provider value={value}>{children}</TimeZoneContext.Provider>;
}

const noSubscribe = () => () => {};

function subscribeShowUtc(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

function readShowUtc(): boolean {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === "1";
  } catch {
    return false;
  }
}

/** Whether this render runs in the browser after hydration (false on the server and while hydrating). */
export function useIsBrowser(): boolean {
  return useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export type TDisplayZone = {
  /** the IANA zone times are printed in */
  zone: string;
  /** false on the server's render: times are printed in UTC until the browser takes over */
  isResolved: boolean;
  showUtc: boolean;
  setShowUtc: (next: boolean) => void;
  savedZone: string | null;
};

export function useDisplayZone(): TDisplayZone {
  const { savedZone } = useContext(TimeZoneContext);
  const isBrowser = useIsBrowser();
  const showUtc = useSyncExternalStore(subscribeShowUtc, readShowUtc, () => false);
  const setShowUtc = useCallback((next: boolean) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, next ? "1" : "0");
    } catch {
      // private mode: the toggle still applies until the page is left
    }
    window.dispatchEvent(new Event(CHANGE_EVENT));
  }, []);
  const zone = !isBrowser || showUtc ? "UTC" : (savedZone ?? browserZone());
  return { zone, isResolved: isBrowser, showUtc, setShowUtc, savedZone };
}
