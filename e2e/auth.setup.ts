// Signs in once per demo role and saves the session for the journey specs.
import { test as setup } from "@playwright/test";
import { ACCOUNTS, DEMO_PASSWORD, expect, signIn, storageStateFor, type TDemoRole } from "./fixtures";

for (const role of Object.keys(ACCOUNTS) as TDemoRole[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await signIn(page, ACCOUNTS[role].email, DEMO_PASSWORD);
    // Argon2id on a loaded machine can take longer than the default wait
    await expect(page.getByRole("region", { name: "Signed-in user" })).toContainText(ACCOUNTS[role].email, {
      timeout: 30_000,
    });
    await page.context().storageState({ path: storageStateFor(role) });
  });
}
