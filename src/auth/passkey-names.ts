import { t } from '../i18n'
import { describeDay, describeDevice } from '../i18n/devices'

/**
 * Where a passkey lives, by the AAGUID its provider reports (from the
 * community list at github.com/passkeydeveloper/passkey-authenticator-aaguids):
 * the common ones only. Browsers may blank the AAGUID when no attestation is
 * asked for; then the browser and system that registered it name it, as for
 * sessions, and the owner can rename it.
 */
const PROVIDERS: Record<string, string> = {
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Gestor de contraseñas de Google',
  'adce0002-35bc-c60a-648b-0b25f1f05503': 'Chrome en Mac',
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': 'Llavero de iCloud',
  'dd4ec289-e01d-41c9-bb89-70fa845d4bf2': 'Llavero de iCloud',
  '08987058-cadc-4b81-b6e1-30de50dcbe96': 'Windows Hello',
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': 'Windows Hello',
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2': 'Windows Hello',
  '53414d53-554e-4700-0000-000000000000': 'Samsung Pass',
  'bada5566-a7aa-401f-bd96-45619a55120d': '1Password',
  'd548826e-79b4-db40-a3d8-11116f7e8349': 'Bitwarden',
  '531126d6-e717-415c-9320-3d9aa6981239': 'Dashlane',
  'b84e4048-15dc-4dd0-8640-f4f60813c8af': 'NordPass',
  '0ea242b4-43c4-4a1b-8b17-dd6d0b6baec6': 'Keeper',
  '50726f74-6f6e-5061-7373-50726f746f6e': 'Proton Pass',
  'b5397666-4885-aa6b-cebf-e52262a439a2': 'Navegador Chromium',
  '771b48fd-d3d4-4f74-9232-fc157ab0507a': 'Edge en Mac',
}

/**
 * "Chrome en Android · agregada el 2 dic": the provider (or the browser and
 * system) and the day it was added, so two passkeys from like devices still
 * read differently in the list and in the mails; the owner can rename it.
 */
export function passkeyNameFor(aaguid: string, client: { userAgent: string | null; timeZone?: string | null }, at: number): string {
  return t.passkeys.defaultName(PROVIDERS[aaguid.toLowerCase()] ?? describeDevice(client.userAgent), describeDay(at, client.timeZone))
}
