"use server";
// POST /login (server action): signs in with email + password and redirects, or returns a message.
import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/server/auth/config";
import { safeCallbackUrl } from "./callback-url";
import { formText } from "@/components/ui/form-text";

export type TLoginState = { message: string | null; email: string };

export async function loginAction(_previous: TLoginState, formData: FormData): Promise<TLoginState> {
  const email = formText(formData, "email").trim();
  const password = formText(formData, "password");
  if (!email || !password) return { message: "Enter your email and password.", email };
  const redirectTo = safeCallbackUrl(formData.get("callbackUrl"));
  try {
    // on success this throws Next's redirect, which must propagate (it is not an AuthError)
    await signIn("credentials", { email, password, redirectTo });
    return { message: null, email };
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      return {
        message:
          error.code === "throttled"
            ? "Too many failed attempts. Try again in 15 minutes."
            : "Email or password is wrong.",
        email,
      };
    }
    // any other auth failure (e.g. the database is unreachable) is not the user's mistake
    if (error instanceof AuthError) {
      return { message: "Sign-in is unavailable right now. Try again in a moment.", email };
    }
    throw error;
  }
}
