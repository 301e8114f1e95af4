// The dashboard in real headless Chromium, driven by Playwright: sign in,
// take a payment in the sandbox, see it in the list, refund it, answer a
// dispute, convert currency, remove a team member, see the connectors'
// health over time; a screenshot of every page goes to the
// artifacts directory. Run by scripts/browser-test against a fresh
// `corridor serve --sandbox`.
//
// Usage: node tests/browser/dashboard.mjs BASE_URL OPERATOR_KEY SCREENSHOT_DIR
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";

const [base, operatorKey, shots] = process.argv.slice(2);
if (!base || !operatorKey || !shots) {
  console.error("usage: dashboard.mjs BASE_URL OPERATOR_KEY SCREENSHOT_DIR");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { chromium } = require(path.resolve(process.env.PLAYWRIGHT_CORE ?? "target/tools/playwright/node_modules/playwright-core"));
mkdirSync(shots, { recursive: true });

const PASSWORD = "correct horse battery staple";

async function api(method, route, key, body) {
  const response = await fetch(base + route, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) {
    throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  }
  return json;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  console.log(`screenshot ${name}.png`);
}

async function signIn(page, email, screenshot) {
  await page.goto(base + "/");
  await shot(page, screenshot);
  await page.fill("input[type=email]", email);
  await page.fill("input[type=password]", PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

async function main() {
  // The world: a merchant with funds, a dashboard user, today's rates.
  const merchant = await api("POST", "/v1/merchants", operatorKey, {
    legal_name: "Browser Test Shop", country: "US", home_currency: "USD",
  });
  await api("POST", `/v1/merchants/${merchant.id}/adjustments`, operatorKey, {
    amount: 100000, currency: "USD", direction: "credit", reason: "test funding",
  });
  await api("POST", "/v1/users", operatorKey, {
    email: "ana@shop.example", password: PASSWORD, merchant: merchant.id, role: "admin",
  });
  await api("POST", "/v1/users", operatorKey, {
    email: "vic@shop.example", password: PASSWORD, merchant: merchant.id, role: "viewer",
  });
  await api("POST", "/v1/users", operatorKey, {
    email: "ops@corridor.example", password: PASSWORD, role: "admin",
  });
  await api("PUT", "/v1/fx/rates", operatorKey, {
    base: "EUR", rates: { USD: "1.1", GBP: "0.85", JPY: "165" },
  });
  // A payment taken in the sandbox.
  const payment = await api("POST", "/v1/payments", merchant.api_key, {
    amount: 12345, currency: "USD", country: "US", confirm: true,
    payment_method: { type: "card", number: "4242424242424242", exp_month: 12, exp_year: 2030, cvc: "123" },
  });
  assert.equal(payment.status, "succeeded");

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, "ana@shop.example", "01-sign-in");
    assert.equal(await page.textContent("h1"), "Home");
    await shot(page, "02-home");

    await page.click("nav >> text=Payments");
    await page.waitForSelector(`text=${payment.id}`);
    await shot(page, "03-payments");
    // The filters apply as they change (htmx), without leaving the page.
    await page.selectOption("#status", "failed");
    await page.waitForSelector(`a:has-text("${payment.id}")`, { state: "detached" });
    await page.selectOption("#status", "succeeded");
    await page.waitForSelector(`a:has-text("${payment.id}")`);

    await Promise.all([page.waitForNavigation(), page.click(`a:has-text("${payment.id}")`)]);
    await shot(page, "04-payment");
    await page.fill("#amount", "20.00");
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Refund')")]);
    await page.waitForSelector("text=Refund created.");
    await shot(page, "05-refunded");
    const refunded = await api("GET", `/v1/payments/${payment.id}`, merchant.api_key);
    assert.equal(refunded.amount_refunded, 2000);

    const dispute = await api("POST", `/v1/test_helpers/payments/${payment.id}/dispute`, merchant.api_key, { reason_code: "13.1" });
    await page.goto(base + "/disputes");
    await page.fill(`[id="${dispute.id}-shipping_tracking_number"]`, "1Z999AA10123456784");
    await page.fill(`[id="${dispute.id}-shipping_carrier"]`, "UPS");
    await page.fill(`[id="${dispute.id}-shipping_date"]`, "2026-11-20");
    await shot(page, "06-dispute-form");
    await Promise.all([page.waitForNavigation(), page.click(`[id="${dispute.id}-submit"]`)]);
    await page.waitForSelector("text=Evidence submitted.");
    await shot(page, "07-dispute-submitted");
    const answered = await api("GET", `/v1/disputes/${dispute.id}`, merchant.api_key);
    assert.equal(answered.status, "under_review");

    await page.goto(base + "/fx");
    // The rate chart is drawn on the server: an SVG line, no script.
    const points = await page.getAttribute("#rate-chart svg polyline", "points");
    assert.ok(points && points.split(" ").length > 10, `rate chart points: ${points}`);
    assert.ok(await page.isVisible("#rate-chart figcaption"), "rate chart caption");
    await page.selectOption("#sell_currency", "USD");
    await page.selectOption("#buy_currency", "EUR");
    await page.fill("#sell_amount", "50.00");
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Get quote')")]);
    await page.waitForSelector("#convert-button");
    await shot(page, "08-fx-quote");
    await Promise.all([page.waitForNavigation(), page.click("#convert-button")]);
    await page.waitForSelector("text=Converted.");
    await shot(page, "09-fx-converted");
    const balances = await api("GET", "/v1/balances", merchant.api_key);
    assert.ok(balances.balances.some((b) => b.currency === "EUR" && b.available > 0), JSON.stringify(balances));

    // The admin removes a team member (not themself): the team without them.
    await page.goto(base + "/settings");
    assert.ok(await page.isVisible("#team >> text=vic@shop.example"), "the viewer is listed");
    assert.equal(await page.locator("button[aria-label='Remove ana@shop.example']").count(), 0, "no remove button for yourself");
    await shot(page, "13-settings");
    await Promise.all([page.waitForNavigation(), page.click("button[aria-label='Remove vic@shop.example']")]);
    await page.waitForSelector("text=User removed.");
    assert.equal(await page.locator("#team >> text=vic@shop.example").count(), 0, "the viewer is gone");
    await shot(page, "13b-settings-removed");
    const team = await api("GET", "/v1/users", merchant.api_key);
    assert.deepEqual(team.data.map((u) => u.email), ["ana@shop.example"]);

    for (const [route, name] of [["/payouts", "10-payouts"], ["/beneficiaries", "11-beneficiaries"], ["/complaints", "12-complaints"], ["/", "14-home-after"]]) {
      await page.goto(base + route);
      await shot(page, name);
    }
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(base + "/payments");
    await shot(page, "15-payments-phone");

    await page.setViewportSize({ width: 1280, height: 900 });
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Sign out')")]);
    assert.ok(await page.isVisible("input[type=password]"), "signed out: back to the sign-in form");

    const operator = await (await browser.newContext()).newPage();
    await signIn(operator, "ops@corridor.example", "16-operator-sign-in");
    assert.ok(operator.url().endsWith("/operator/"), operator.url());
    // The ledger is verified on the button, not on every load.
    await operator.waitForSelector("text=Not verified since the server started");
    await operator.waitForSelector("#compliance-alerts, #no-alerts");
    // Connector health over time: drawn on the server, with its table.
    for (const window of ["hourly", "daily"]) {
      const figure = `#health-${payment.connector}-${window}`;
      const success = await operator.getAttribute(`${figure} svg.success-chart polyline`, "points");
      assert.ok(success && success.length > 0, `${figure} success line: ${success}`);
      assert.ok(await operator.isVisible(`${figure} figcaption`), `${figure} caption`);
      await operator.click(`summary:has-text("${payment.connector}, ${window === "hourly" ? "last 24 hours" : "last 14 days"}")`);
      assert.ok(await operator.isVisible(`${figure}-table >> text=100.0%`), `${figure} table`);
    }
    await shot(operator, "17-operator");
    await Promise.all([operator.waitForNavigation(), operator.click("#verify-ledger")]);
    await operator.waitForSelector("text=Ledger verified.");
    await operator.waitForSelector("text=/Balanced at \\d{4}-/");
    await shot(operator, "18-operator-ledger-verified");
  } finally {
    await browser.close();
  }
  const verified = await api("GET", "/v1/ledger/verify", operatorKey);
  assert.equal(verified.balanced, true);
  console.log("browser tests: all passed");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
