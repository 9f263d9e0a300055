"use client";
// Console accounts with their role, tenant and status, and the disable/enable action.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { roleLabel } from "@/app/(dashboard)/_lib/labels";
import { QueryState } from "@/components/query/query-state";
import { useTRPC } from "@/trpc/client";
import { SetUserDisabledDialog, type TUserTarget } from "./set-user-disabled-dialog";

export function UsersTable() {
  const trpc = useTRPC();
  const users = useQuery(trpc.admin.listUsers.queryOptions());
  const me = useQuery(trpc.me.get.queryOptions());
  const [target, setTarget] = useState<TUserTarget | null>(null);

  const myId = me.data?.user.id;
  return (
    <QueryState
      query={users}
      what="users"
      rows={5}
      isEmpty={(list) => list.length === 0}
      empty={{ title: "No users", description: "Create the first account with the form.", headingLevel: 2 }}
    >
      {(list) => (
        <Card title="All users" description={`${list.length} in total`} bodyClassName="p-0">
          <Table label="Users">
            <THead>
              <tr>
                <TH>Email</TH>
                <TH>Name</TH>
                <TH>Role</TH>
                <TH>Tenant</TH>
                <TH>Status</TH>
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {list.map((u) => {
                const isDisabled = u.disabledAt !== null;
                const isMe = u.id === myId;
                return (
                  <TR key={u.id}>
                    <TD className="font-medium whitespace-nowrap">{u.email}</TD>
                    <TD className="whitespace-nowrap">{u.name}</TD>
                    <TD className="whitespace-nowrap">{roleLabel(u.role)}</TD>
                    <TD className="text-zinc-600">
                      {u.tenant?.name ?? <span className="whitespace-nowrap text-zinc-500">All tenants</span>}
                    </TD>
                    <TD className="whitespace-nowrap">
                      {isDisabled ? (
                        <span className="flex flex-col items-start gap-0.5">
                          <Badge tone="bad">Disabled</Badge>
                          <TimeStamp format="short" value={u.disabledAt} className="text-xs text-zinc-500" />
                        </span>
                      ) : (
                        <Badge tone="ok" hasDot>
                          Active
                        </Badge>
                      )}
                    </TD>
                    <TD className="text-right whitespace-nowrap">
                      {isMe ? (
                        <span className="text-xs text-zinc-500">You</span>
                      ) : (
                        <Button
                          variant="secondary"
                          size="sm"
                          aria-label={`${isDisabled ? "Enable" : "Disable"} user ${u.email}`}
                          onClick={() => setTarget({ id: u.id, email: u.email, isDisabled })}
                        >
                          {isDisabled ? "Enable" : "Disable"}
                        </Button>
                      )}
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
          <SetUserDisabledDialog target={target} onClose={() => setTarget(null)} />
        </Card>
      )}
    </QueryState>
  );
}
