// Shared e2e fixtures: the demo accounts seeded by prisma/seed.ts and their storage states.
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "waybill-demo-2026";

export const ACCOUNTS = {
  support_agent: { email: "support@waybill.local", name: "Sam Support" },
  tenant_admin: { email: "admin@acme.example", name: "Ada Acme" },
  engineer: { email: "engineer@waybill.local", name: "Eve Engineer" },
  admin: { email: "admin@waybill.local", name: "Al Admin" },
} as const;
export type TDemoRole = keyof typeof ACCOUNTS;

export function storageStateFor(role: TDemoRole): string {
  return path.join(import.meta.dirname, ".auth", `${role}.json`);
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A page already signed in as `role` (from the setup project's storage state). */
export function asRole(role: TDemoRole) {
  return base.extend({ storageState: storageStateFor(role) });
}

/** The widths every page is photographed at: a desktop and a 390 px phone. */
const SCREENSHOT_VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;

/**
 * Full-page screenshots at 1440 and 390 px (`<name>-1440.png`, `<name>-390.png`), then the
 * journey's own viewport again, so a step after it sees the page as before.
 */
export async function screenshot(page: Page, name: string) {
  const original = page.viewportSize();
  for (const viewport of SCREENSHOT_VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.screenshot({
      path: path.join("test-results", "screenshots", `${name}-${viewport.width}.png`),
      fullPage: true,
    });
  }
  if (original) await page.setViewportSize(original);
}

/**
 * Fails when the page as it is now scrolls sideways, naming `what` and the innermost elements that
 * stick out past the viewport (outside any box that scrolls or clips them), so the report shows
 * what to fix.
 */
export async function expectNoSidewaysScroll(page: Page, what: string) {
  const { overflow, culprits } = await page.evaluate(() => {
    const width = window.innerWidth;
    const sticking = [...document.querySelectorAll("body *")].filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.right > width + 0.5 && !element.closest("[class*=overflow-]");
    });
    const innermost = sticking.filter(
      (element) => !sticking.some((other) => other !== element && element.contains(other)),
    );
    return {
      overflow: document.documentElement.scrollWidth - width,
      culprits: innermost
        .slice(0, 3)
        .map(
          (element) =>
            `<${element.tagName.toLowerCase()} class="${element.getAttribute("class") ?? ""}">${(element.textContent ?? "").slice(0, 60)}`,
        ),
    };
  });
  expect(
    overflow,
    `${what} scrolls sideways by ${overflow} px; sticking out: ${culprits.join(" | ")}`,
  ).toBeLessThanOrEqual(0);
}

/** The WCAG 2.2 A and AA rules axe checks; best practices aside (they are not failures). */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/**
 * Runs axe on the page as it is now and fails on any serious or critical violation, or on two
 * landmarks sharing a name, naming the rule, the elements and the page, so the fix can start from
 * the report alone.
 */
export async function expectAccessible(page: Page) {
  // landmark-unique is a best practice (moderate) outside the WCAG tags, but a screen reader's
  // landmark list is only usable when no two landmarks of a kind share a name: enabled beside the
  // tags in the same pass (an enabled rule runs whatever its tags) and failed on at any impact
  const results = await new AxeBuilder({ page })
    .options({ rules: { "landmark-unique": { enabled: true } } })
    .withTags(AXE_TAGS)
    .analyze();
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "landmark-unique")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  // soft: the journey goes on, so one run reports every page's violations; the test still fails
  expect.soft(blocking, `axe on ${new URL(page.url()).pathname}`).toEqual([]);
}

export { expect };
