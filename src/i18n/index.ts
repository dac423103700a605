import { es } from './es'

/**
 * All user-facing copy lives in one dictionary per language. Only Spanish
 * exists today; another language is a second file with the same shape.
 */
export type Strings = typeof es
export const t: Strings = es
