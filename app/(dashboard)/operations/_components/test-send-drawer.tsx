"use client";
// The test-send form in a drawer from the page header: Operations opens with what is wrong, and
// sending a test message is one click away rather than the first thing on the page.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SendTestMessageForm } from "./send-test-message-form";

type TTenantOption = { id: string; slug: string; name: string };

export function TestSendDrawer({ tenants }: { tenants: readonly TTenantOption[] }) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setIsOpen(true)}>
        Send a test message
      </Button>
      <Dialog
        isOpen={isOpen}
        onClose={() => setIsOpen(false)}
        title="Send a test message"
        description="Through the same checks as the tenant API; follow it on its timeline."
        className="mt-0 mr-0 mb-0 ml-auto h-dvh max-h-dvh w-full max-w-md overflow-y-auto rounded-none sm:w-[28rem]"
      >
        <SendTestMessageForm tenants={tenants} />
        <div className="flex justify-end">
          <Button variant="ghost" onClick={() => setIsOpen(false)}>
            Close
          </Button>
        </div>
      </Dialog>
    </>
  );
}
