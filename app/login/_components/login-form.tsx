"use client";
// The sign-in form: email + password, errors announced in a live region, pending state on submit.
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { loginAction, type TLoginState } from "../actions";

export function LoginForm({ callbackUrl, notice }: { callbackUrl: string; notice: string | null }) {
  const [state, formAction, isPending] = useActionState<TLoginState, FormData>(loginAction, {
    message: null,
    email: "",
  });
  return (
    <form action={formAction} className="flex flex-col gap-4" aria-describedby="login-message" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label="Email">
        {(control) => (
          <Input
            {...control}
            name="email"
            type="email"
            autoComplete="username"
            inputMode="email"
            required
            autoFocus
            defaultValue={state.email}
          />
        )}
      </Field>
      <Field label="Password">
        {(control) => (
          <Input {...control} name="password" type="password" autoComplete="current-password" required />
        )}
      </Field>
      <FormMessage id="login-message" message={state.message} />
      {notice && !state.message ? <p className="text-sm text-zinc-600">{notice}</p> : null}
      <Button type="submit" isPending={isPending} pendingLabel="Signing in…" className="w-full">
        Sign in
      </Button>
    </form>
  );
}
