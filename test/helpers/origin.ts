/** Where the app lives, and every mailed link points: APP_URL in test/vitest.config.ts. */
export const ORIGIN = 'https://cuentas.ecuabots.test'
