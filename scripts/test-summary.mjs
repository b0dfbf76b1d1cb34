// The closing lines of scripts/test-all: totals over every package's vitest JSON report, then each
// failed test with the first lines of its error, so that a CI log cut to its tail still names them.
import fs from "node:fs";
import path from "node:path";

const reports = [];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".git")) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (entry.name === ".vitest-report.json") reports.push(p);
  }
};
walk(".");

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of reports) {
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults) {
    const where = path.relative(".", suite.name);
    const failedTests = suite.assertionResults.filter((t) => t.status === "failed");
    // A file that failed to load has no failed test, only its own message.
    if (failedTests.length === 0 && suite.status === "failed") failures.push(`${where}: ${suite.message}`);
    for (const t of failedTests) {
      failures.push(`${where} > ${t.fullName}: ${(t.failureMessages ?? []).join(" ")}`);
    }
  }
}
for (const f of failures) {
  const lines = f.split("\n").filter((l) => l.trim() !== "" && !/^\s+at /.test(l)).slice(0, 4);
  console.log(`FAILED ${lines.join("\n    ").slice(0, 1200)}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
