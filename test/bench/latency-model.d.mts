// Types for test/bench/latency-model.mjs, which test/round-trips.test.ts imports.
export type RouteTrips = { route: string; trips: number; startsOn: 'primary' | 'nearest' | null }
export function roundTripTable(): { city: string; primaryMs: number; nearest: string; nearestMs: number }[]
export function modelLatency(routes: RouteTrips[]): (RouteTrips & { cities: { city: string; beforeMs: number; afterMs: number }[] })[]
export function renderLatencyModel(routes: RouteTrips[]): string
export function printLatencyModel(): Promise<string>
export const DOCS_START: string
export const DOCS_END: string
