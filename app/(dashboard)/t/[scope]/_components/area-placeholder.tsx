// An area that a later release fills in: says what the page will answer, for whom, and for
// which scope, instead of showing made-up data.
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export function AreaPlaceholder({
  title,
  description,
  audience,
  scopeLabel,
  emptyTitle,
  questions,
}: {
  title: string;
  /** one sentence: what this page answers */
  description: string;
  /** who relies on it */
  audience: string;
  scopeLabel: string;
  emptyTitle: string;
  /** the questions the finished page answers */
  questions: string[];
}) {
  return (
    <>
      <PageHeader title={title} description={description} scopeLabel={scopeLabel} />
      <EmptyState
        title={emptyTitle}
        description={`This area is not built yet. When it is, it will show data for ${scopeLabel}.`}
      >
        <div className="rounded-md bg-zinc-50 px-4 py-3">
          <p className="text-xs font-medium text-zinc-500">For {audience}. It will answer:</p>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-zinc-700">
            {questions.map((q) => (
              <li key={q}>{q}</li>
            ))}
          </ul>
        </div>
      </EmptyState>
    </>
  );
}
