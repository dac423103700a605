// Types for test/bench/table.mjs, which test/docs-bench-table.test.ts imports.
export const START: string
export const END: string
export function renderTable(report: unknown): string
