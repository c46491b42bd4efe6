import type { CaseResult } from './run';

/** The formats `mockgraph contract` writes. */
export const REPORTERS = ['console', 'junit', 'json'] as const;
/** One report format. */
export type Reporter = (typeof REPORTERS)[number];

/** Counts of a run (`errors`: cases whose target could not be reached). */
export function summarize(results: readonly CaseResult[]): { passed: number; failed: number; skipped: number; errors: number } {
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    errors: results.filter((r) => r.status === 'error').length,
  };
}

/** `mockgraph contract`'s exit status: 3 when the target could not be reached, 1 for a failed case, else 0. */
export function exitStatus(results: readonly CaseResult[]): number {
  const { failed, errors } = summarize(results);
  return errors > 0 ? 3 : failed > 0 ? 1 : 0;
}

function details(r: CaseResult): string[] {
  return [...(r.reason ? [r.reason] : []), ...r.mismatches.map((m) => m.message)];
}

/** Human-readable lines, one per case, details indented, and a closing count line. */
export function consoleReport(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  let page = '';
  for (const r of results) {
    if (r.page !== page) lines.push(`${(page = r.page)} (${r.title})`);
    const mark = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'ERROR' }[r.status];
    lines.push(`  ${mark} ${r.name}${r.request ? `  [${r.request.method} ${r.request.path} → ${r.actualStatus ?? 'no answer'}]` : ''}`);
    for (const d of details(r)) lines.push(`       ${d}`);
    for (const n of r.notes) lines.push(`       note: ${n}`);
  }
  const { passed, failed, skipped, errors } = summarize(results);
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped${errors > 0 ? `, ${errors} not run (target unreachable)` : ''}`);
  return lines.join('\n') + '\n';
}

function xml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one testsuite per doc page, one testcase per example, so CI systems show results natively. */
export function junitReport(results: readonly CaseResult[]): string {
  const pages = [...new Set(results.map((r) => r.page))];
  const suites = pages.map((page) => {
    const cases = results.filter((r) => r.page === page);
    const { failed, skipped, errors } = summarize(cases);
    const time = cases.reduce((t, r) => t + r.durationMs, 0) / 1000;
    const body = cases
      .map((r) => {
        const open = `    <testcase classname="${xml(page)}" name="${xml(r.name)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
        const out = r.notes.length > 0 ? `\n      <system-out>${xml(r.notes.map((n) => `note: ${n}`).join('\n'))}</system-out>` : '';
        if (r.status === 'passed') return out === '' ? `${open}/>` : `${open}>${out}\n    </testcase>`;
        const text = xml(details(r).join('\n'));
        const inner =
          r.status === 'skipped'
            ? `<skipped message="${xml(r.reason ?? '')}"/>`
            : r.status === 'error'
              ? `<error type="TargetUnreachable" message="${xml(r.reason ?? 'unreachable')}">${text}</error>`
              : `<failure message="${xml(details(r)[0] ?? 'failed')}">${text}</failure>`;
        return `${open}>\n      ${inner}${out}\n    </testcase>`;
      })
      .join('\n');
    return `  <testsuite name="${xml(page)}" tests="${cases.length}" failures="${failed}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">\n${body}\n  </testsuite>`;
  });
  const all = summarize(results);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mockgraph contract" tests="${results.length}" failures="${all.failed}" errors="${all.errors}" skipped="${all.skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The results as JSON, with the counts. */
export function jsonReport(results: readonly CaseResult[]): string {
  return JSON.stringify({ summary: summarize(results), results }, null, 2) + '\n';
}

/** Renders results in a format. */
export function renderReport(reporter: Reporter, results: readonly CaseResult[]): string {
  return reporter === 'junit' ? junitReport(results) : reporter === 'json' ? jsonReport(results) : consoleReport(results);
}
