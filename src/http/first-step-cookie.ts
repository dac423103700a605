import { SECOND_STEP_LIFETIME } from '../auth/first-step'
import { hostCookie } from './cookies'

/**
 * A first step held for sign-in's second step: the random secret whose hash
 * second_steps stores. `__Host-`, so a sibling subdomain cannot plant one;
 * read only by /login/two-step, cleared once it is spent.
 */
export const firstStepCookie = hostCookie('first_step', SECOND_STEP_LIFETIME)
