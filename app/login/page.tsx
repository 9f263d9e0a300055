// GET /login: the sign-in page; a visitor whose session is still valid is sent on to the console.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth/config";
import { LogoMark } from "@/components/ui/logo-mark";
import { serverCaller } from "@/trpc/server";
import { LoginForm } from "./_components/login-form";
import { safeCallbackUrl } from "./callback-url";

export const metadata: Metadata = { title: "Sign in" };

type TSearchParams = Promise<{ callbackUrl?: string | string[]; reason?: string | string[] }>;

/** A cookie can outlive its account (disabled user): only a session the API accepts counts. */
async function hasLiveSession(): Promise<boolean> {
  if (!(await currentUser())) return false;
  try {
    await (await serverCaller()).me.get();
    return true;
  } catch {
    return false;
  }
}

export default async function LoginPage({ searchParams }: { searchParams: TSearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(
    typeof params.callbackUrl === "string" ? params.callbackUrl : undefined,
  );
  if (await hasLiveSession()) redirect(callbackUrl);
  const notice = params.reason === "session" ? "Your session has ended. Sign in again to continue." : null;
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <p className="mb-6 flex items-center justify-center gap-2 text-base font-semibold tracking-tight text-zinc-900">
          <LogoMark />
          Waybill
        </p>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold text-zinc-900">Sign in to Waybill</h1>
          <p className="mt-1 mb-5 text-sm text-zinc-600">The delivery ledger and operations console.</p>
          <LoginForm callbackUrl={callbackUrl} notice={notice} />
        </div>
        <p className="mt-4 text-center text-xs text-zinc-500">
          Accounts are created by a Waybill administrator.
        </p>
      </div>
    </main>
  );
}
