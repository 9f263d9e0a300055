// Root layout (every route): html/body, global styles, the default document title.
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// every page is rendered per request: the Content-Security-Policy nonce (proxy.ts) is new each
// time, and a page prerendered at build time would carry scripts without it
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Waybill", template: "%s · Waybill" },
  description: "Delivery ledger and operations console for WhatsApp messaging",
  // an internal console: nothing here should be indexed
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#fafafa" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
