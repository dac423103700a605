// What every test file shares: the app behind a minimal browser, the
// Postmark stand-in and the mails it received, the database and the clock.
export { askForLink, wrongCodeFor } from './access-links'
export { app, Browser, PASSWORD, signedInUser, uniqueEmail, uniqueIPv4, type Page } from './browser'
export { advance, setClock } from './clock'
export { askToChange } from './email-change'
export { accountOf, d1Session, db, observedD1, sessionsOf, userRow, type D1Observer } from './database'
export { codeIn, lastMailTo, linkIn, mailsTo, postmark, type SentMail } from './mail'
export { directRequest, ORIGIN } from './origin'
export { requestReset, resetPassword } from './password-reset'
export { countPbkdf2, legacyHash, productionHashingEnv, testHashing } from './passwords'
export { visibleText } from './text'
export { fullAccount, needlesFor, rowsHolding, tableNames } from './full-account'
export { base32Decode, codeFor, FIRST_STEP_COOKIE, recoveryCodesOnPage, secretOnPage, signedIn, totp, turnOnTwoStep, withTwoStep } from './two-step'
