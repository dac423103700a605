/** Tests that hash several passwords (sign-ups, sign-ins): room for a loaded machine. */
export const SIGN_UP_AND_SIGN_IN = 30_000
