"use client";
// Message search: the filters (kept in the URL, so a search can be shared and reloaded), the
// results (recipients masked), and keyset pages ("Newer" / "Older"). Every change is a navigation:
// the server page prefetches the new page, so results never flash a spinner on arrival.
import type { TDuplicateConflictKind } from "@/server/domain/reconciliation/possible-duplicate";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState, useSyncExternalStore, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { formText } from "@/components/ui/form-text";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { IdText } from "@/components/ui/id-text";
import { needsSeconds } from "@/components/time/format-time";
import type { TRouterOutputs } from "@/trpc/router-types";
import {
  ErrorCodeField,
  FilterActions,
  ScopeField,
  SenderNumberField,
  TemplateField,
  useTenantSenderOptions,
} from "@/app/(dashboard)/_components/filter-fields";
import { scopeInput } from "@/app/(dashboard)/_lib/scope-input";
import { useTRPC } from "@/trpc/client";
import {
  cleanRecipient,
  countMoreFilters,
  EMPTY_FILTERS,
  encodeCursor,
  filtersToInput,
  filtersToQueryString,
  hasFilters,
  hasMoreFilters,
  isValidRecipient,
  STATE_LABELS,
  STATE_OPTIONS,
  type TMessageFilters,
} from "@/components/messages/search-params";
import { StateBadge } from "@/components/messages/state-badge";
import { QueryState } from "@/components/query/query-state";

// the conflicts that mean "the recipient may have it twice" (server/domain/reconciliation/possible-duplicate.ts)
const DUPLICATE_KINDS: ReadonlySet<string> = new Set<TDuplicateConflictKind>([
  "superseded_attempt_delivered",
  "superseded_attempt_accepted",
]);

/** What the search box's text was read as, in words, and the likely fixes (built on the server). */
export type TSearchedFor = { description: string; hints: string[] };

export type TSearchScope =
  | { kind: "tenant"; tenantId: string; slug: string; name: string }
  | { kind: "all"; slug: "all"; name: string };

type TSearchPage = TRouterOutputs["messages"]["search"];

const subscribe = () => () => {};

/** "2026-03-02T09:00" in the viewer's zone, for datetime-local inputs. */
function toLocalInput(iso: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(value: string): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}

function useSearchQuery(scope: TSearchScope, filters: TMessageFilters) {
  const trpc = useTRPC();
  const input = filtersToInput(filters);
  return useQuery(trpc.messages.search.queryOptions({ ...scopeInput(scope), ...input }));
}

function SearchForm({
  scope,
  filters,
  onApply,
  isPending,
}: {
  scope: TSearchScope;
  filters: TMessageFilters;
  onApply: (next: TMessageFilters, scopeSlug?: string) => void;
  isPending: boolean;
}) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const senders = useTenantSenderOptions(scope.kind === "tenant" ? scope.tenantId : null);
  // datetime inputs show the viewer's zone, which the server cannot know: remount after hydration
  const isBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const isCrossTenant = me.data?.isCrossTenant ?? false;
  const [recipientError, setRecipientError] = useState<string | null>(null);
  const moreCount = countMoreFilters(filters);
  const moreRef = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    // a phone keeps the extra filters folded even when some are set (the summary counts them), so
    // the search box and the results stay in view; wider screens show what narrows the search
    if (moreRef.current && window.matchMedia("(max-width: 639px)").matches) moreRef.current.open = false;
  }, []);

  return (
    <form
      aria-label="Search messages"
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const recipient = formText(form, "recipient").trim();
        if (recipient && !isValidRecipient(recipient)) {
          setRecipientError("Give a full number starting with +, or at least 4 digits.");
          return;
        }
        setRecipientError(null);
        const next: TMessageFilters = {
          ...EMPTY_FILTERS,
          q: formText(form, "q").trim(),
          id: formText(form, "id").trim(),
          wamid: formText(form, "wamid").trim(),
          // "+1 (555) 000-4567" as typed, "+15550004567" in the URL
          recipient: cleanRecipient(recipient),
          sender: formText(form, "sender"),
          template: formText(form, "template").trim(),
          state: formText(form, "state") as TMessageFilters["state"],
          error: formText(form, "error").trim(),
          dup: formText(form, "dup") === "1" ? "1" : "",
          from: fromLocalInput(formText(form, "from")),
          to: fromLocalInput(formText(form, "to")),
          sort: formText(form, "sort") === "created_asc" ? "created_asc" : "created_desc",
        };
        const tenant = formText(form, "tenant");
        onApply(next, tenant && tenant !== scope.slug ? tenant : undefined);
      }}
    >
      <div className="flex flex-col gap-1.5">
        <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
          <Field label="Search" className="min-w-0 flex-1">
            {(control) => (
              <Input
                {...control}
                type="search"
                name="q"
                aria-describedby="message-search-hint"
                defaultValue={filters.q}
                autoComplete="off"
                spellCheck={false}
                className="font-mono"
                placeholder="wamid.HBgL…, +15551234567, 4567, ZD-4821"
              />
            )}
          </Field>
          <Button type="submit" isPending={isPending} pendingLabel="Searching…">
            Search
          </Button>
        </div>
        <p id="message-search-hint" className="text-xs text-zinc-600">
          A message ID, a wamid (with or without “wamid.”), a phone number or its last digits, or a ticket
          reference. When exactly one message matches, it opens.
        </p>
      </div>
      <details
        ref={moreRef}
        className="group rounded-md border border-zinc-200"
        open={moreCount > 0 || undefined}
      >
        <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-zinc-800 select-none">
          More filters
          {moreCount > 0 ? <span className="font-normal text-zinc-600"> · {moreCount} set</span> : null}
        </summary>
        <div className="flex flex-col gap-4 border-t border-zinc-200 p-3">
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            <Field label="Message ID" hint="Waybill's id (a UUID).">
              {(control) => (
                <Input
                  {...control}
                  name="id"
                  defaultValue={filters.id}
                  autoComplete="off"
                  spellCheck={false}
                  className="font-mono"
                  placeholder="0196…"
                />
              )}
            </Field>
            <Field label="WhatsApp message ID (wamid)" hint="Any attempt's id from Meta.">
              {(control) => (
                <Input
                  {...control}
                  name="wamid"
                  defaultValue={filters.wamid}
                  autoComplete="off"
                  spellCheck={false}
                  className="font-mono"
                  placeholder="wamid.HBgL…"
                />
              )}
            </Field>
            <RecipientField defaultValue={filters.recipient} error={recipientError} />
          </div>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            {isCrossTenant ? (
              // "Scope", not "Tenant": the sidebar's tenant switcher already owns that name
              <ScopeField label="Scope" defaultValue={scope.slug} tenants={me.data?.tenants ?? []} />
            ) : null}
            {scope.kind === "tenant" ? (
              <SenderNumberField defaultValue={filters.sender} senders={senders} />
            ) : null}
            <TemplateField defaultValue={filters.template} />
            <Field label="State">
              {(control) => (
                <Select {...control} name="state" defaultValue={filters.state}>
                  <option value="">Any state</option>
                  {STATE_OPTIONS.map((s) => (
                    <option key={s} value={s}>
                      {STATE_LABELS[s]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <ErrorCodeField
              defaultValue={filters.error}
              hint="The message's last error, e.g. 131026."
              inputMode="numeric"
            />
            <Field label="Possible duplicates" hint="Two attempts may both have reached the recipient.">
              {(control) => (
                <Select {...control} name="dup" defaultValue={filters.dup}>
                  <option value="">All messages</option>
                  <option value="1">Only possible duplicates</option>
                </Select>
              )}
            </Field>
            <LocalTimeField label="Created from" name="from" value={filters.from} isBrowser={isBrowser} />
            <LocalTimeField label="Created before" name="to" value={filters.to} isBrowser={isBrowser} />
            <Field label="Sort">
              {(control) => (
                <Select {...control} name="sort" defaultValue={filters.sort}>
                  <option value="created_desc">Newest first</option>
                  <option value="created_asc">Oldest first</option>
                </Select>
              )}
            </Field>
          </div>
          <FilterActions
            className="flex-wrap items-center"
            isPending={isPending}
            canClear={hasFilters(filters) || filters.sort !== "created_desc"}
            onClear={() => onApply(EMPTY_FILTERS)}
            submitLabel="Search"
            pendingLabel="Searching…"
            submitVariant="primary"
          />
        </div>
      </details>
    </form>
  );
}

function LocalTimeField({
  label,
  name,
  value,
  isBrowser,
}: {
  label: string;
  name: string;
  /** an ISO instant, or "" */
  value: string;
  isBrowser: boolean;
}) {
  return (
    <Field label={label} hint="Your time zone.">
      {(control) => (
        <Input
          {...control}
          key={isBrowser ? "local" : "server"}
          type="datetime-local"
          name={name}
          defaultValue={isBrowser ? toLocalInput(value) : ""}
        />
      )}
    </Field>
  );
}

function RecipientField({ defaultValue, error }: { defaultValue: string; error: string | null }) {
  return (
    <Field
      label="Recipient"
      hint="A full number starting with + (exact), or its last 4+ digits."
      error={error}
    >
      {(control) => (
        <Input
          {...control}
          name="recipient"
          defaultValue={defaultValue}
          autoComplete="off"
          inputMode="tel"
          spellCheck={false}
          className="font-mono"
          placeholder="+15551234567 or 4567"
        />
      )}
    </Field>
  );
}

function ResultsTable({ page, scope }: { page: TSearchPage; scope: TSearchScope }) {
  // rows made within one minute would all read the same: then every row shows its seconds
  const timeFormat = needsSeconds(page.items.map((m) => m.createdAt)) ? "full" : "short";
  return (
    <Table label="Messages">
      <THead>
        <tr>
          <TH>Created</TH>
          <TH>Message</TH>
          {scope.kind === "all" ? <TH>Tenant</TH> : null}
          <TH>Recipient</TH>
          <TH>Sender</TH>
          <TH>State</TH>
          <TH>Last error</TH>
          <TH className="text-right">Attempts</TH>
        </tr>
      </THead>
      <TBody>
        {page.items.map((m) => (
          <TR key={m.id} className="align-top">
            <TD className="whitespace-nowrap text-zinc-600">
              <TimeStamp value={m.createdAt} format={timeFormat} />
            </TD>
            <TD>
              <Link
                href={`/t/${encodeURIComponent(m.tenantSlug)}/messages/${m.id}`}
                // inline-block with min-h-6: the row's one target is 24 px tall (WCAG 2.2 target
                // size); inline, a 14 px line of text left it 16 px with the ID right beneath it
                className="inline-block min-h-6 font-medium text-accent-700 hover:underline"
              >
                {m.templateName ?? (m.contentKind === "text" ? "Text message" : m.contentKind)}
                <span className="sr-only"> to {m.recipientMasked}, </span>
              </Link>
              <IdText value={m.id} label="message ID" isShort className="text-zinc-600" />
            </TD>
            {scope.kind === "all" ? <TD className="text-zinc-700">{m.tenantName}</TD> : null}
            <TD className="font-mono text-xs whitespace-nowrap">{m.recipientMasked}</TD>
            <TD className="text-xs whitespace-nowrap text-zinc-700">
              {m.senderDisplayNumber}
              {m.senderLabel ? <span className="block text-zinc-500">{m.senderLabel}</span> : null}
            </TD>
            <TD>
              <div className="flex flex-wrap gap-1">
                <StateBadge state={m.state} />
                {m.conflictKinds.length > 0 ? (
                  <Badge tone="warn" title={m.conflictKinds.join(", ")}>
                    {m.conflictKinds.length === 1 ? "Conflict" : `${m.conflictKinds.length} conflicts`}
                  </Badge>
                ) : null}
                {m.conflictKinds.some((k) => DUPLICATE_KINDS.has(k)) ? (
                  <Badge tone="bad" title="Two attempts may both have reached the recipient">
                    Possible duplicate
                  </Badge>
                ) : null}
                {m.hasOpenDispute ? <Badge tone="accent">Disputed</Badge> : null}
              </div>
            </TD>
            <TD className="font-mono text-xs">
              {m.lastErrorCode ?? <span className="text-zinc-500">—</span>}
            </TD>
            <TD className="text-right tabular-nums">{m.attemptCount}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

export function MessageSearch({
  scope,
  filters,
  ignored,
  searchedFor,
  canSearchAllTenants,
}: {
  scope: TSearchScope;
  filters: TMessageFilters;
  ignored: string[];
  searchedFor: TSearchedFor | null;
  canSearchAllTenants: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [isPending, startTransition] = useTransition();
  const query = useSearchQuery(scope, filters);
  const isFiltered = hasFilters(filters);

  const navigate = (next: TMessageFilters, scopeSlug?: string) => {
    const path = scopeSlug ? `/t/${encodeURIComponent(scopeSlug)}/messages` : pathname;
    // sender ids belong to one tenant: a new scope starts without one
    const kept = scopeSlug ? { ...next, sender: "" } : next;
    startTransition(() => router.push(`${path}${filtersToQueryString(kept)}`));
  };
  const isNewestFirst = filters.sort === "created_desc";

  const body = (
    <QueryState
      query={query}
      what="messages"
      errorTitle="Could not search messages"
      rows={8}
      className="p-4"
      isEmpty={(d) => d.items.length === 0}
      empty={{
        headingLevel: 2,
        title: searchedFor
          ? `Nothing found for “${filters.q}”`
          : isFiltered
            ? "No messages match these filters"
            : "No messages yet",
        description: searchedFor ? (
          <span className="flex flex-col gap-1">
            <span>
              Searched {scope.kind === "all" ? "every tenant you can see" : scope.name} for{" "}
              {searchedFor.description}
              {hasMoreFilters(filters) ? ", together with the other filters set below" : ""}.
            </span>
            {searchedFor.hints.map((hint) => (
              <span key={hint}>{hint}</span>
            ))}
            {scope.kind === "tenant" && canSearchAllTenants ? (
              <span>It may belong to another tenant: search all tenants.</span>
            ) : null}
          </span>
        ) : isFiltered ? (
          "Recipient digits match the end of the number; template names and error codes match exactly. Widen the time range or clear the filters."
        ) : (
          `Messages sent for ${scope.name} will appear here as soon as they are requested.`
        ),
        action: isFiltered ? (
          <span className="flex flex-wrap gap-2">
            {searchedFor && scope.kind === "tenant" && canSearchAllTenants ? (
              <Link
                href={`/t/all/messages${filtersToQueryString({ ...EMPTY_FILTERS, q: filters.q })}`}
                className={buttonClasses("primary", "sm")}
              >
                Search all tenants
              </Link>
            ) : null}
            <Link href={pathname} className={buttonClasses("secondary", "sm")}>
              Clear filters
            </Link>
          </span>
        ) : undefined,
      }}
    >
      {(page) => (
        <>
          <ResultsTable page={page} scope={scope} />
          <nav
            aria-label="Pages of results"
            className="flex flex-wrap items-center justify-between gap-2 border-t border-zinc-200 px-4 py-3"
          >
            <p className="text-xs text-zinc-500">
              {page.items.length} {page.items.length === 1 ? "message" : "messages"} on this page,{" "}
              {isNewestFirst ? "newest first" : "oldest first"}
            </p>
            <div className="flex gap-2">
              <Button
                variant="secondary"
                size="sm"
                disabled={!page.prevCursor || isPending}
                onClick={() =>
                  page.prevCursor &&
                  navigate({ ...filters, after: "", before: encodeCursor(page.prevCursor) })
                }
              >
                {isNewestFirst ? "← Newer" : "← Older"}
              </Button>
              <Button
                variant="secondary"
                size="sm"
                disabled={!page.nextCursor || isPending}
                onClick={() =>
                  page.nextCursor &&
                  navigate({ ...filters, before: "", after: encodeCursor(page.nextCursor) })
                }
              >
                {isNewestFirst ? "Older →" : "Newer →"}
              </Button>
            </div>
          </nav>
        </>
      )}
    </QueryState>
  );

  return (
    <div className="flex flex-col gap-4">
      <Card
        title="Find messages"
        description="Combine any filters. The address bar keeps them, so a search can be shared."
      >
        <SearchForm
          key={filtersToQueryString({ ...filters, after: "", before: "" })}
          scope={scope}
          filters={filters}
          onApply={navigate}
          isPending={isPending}
        />
        {ignored.length > 0 ? (
          <Alert tone="warn" className="mt-3">
            Ignored {ignored.length === 1 ? "a filter" : "filters"} that could not be valid:{" "}
            {ignored.join(", ")}.
          </Alert>
        ) : null}
      </Card>
      <Card
        title="Results"
        description={
          scope.kind === "all"
            ? "Every tenant you can see. Recipient numbers are masked; open a message to reveal one (recorded in the audit log)."
            : "Recipient numbers are masked; open a message to reveal one (recorded in the audit log)."
        }
        bodyClassName="p-0"
        actions={
          isPending ? (
            <span role="status" className="flex items-center gap-1.5 text-xs text-zinc-500">
              <Spinner /> Updating…
            </span>
          ) : undefined
        }
      >
        <div className={cn(isPending && "opacity-60 transition-opacity")}>{body}</div>
      </Card>
    </div>
  );
}
