// The passkey module (served as /assets/passkeys-<hash>.js, like htmx:
// same origin, versioned, immutable, under the strict CSP). No framework.
// It reveals the passkey controls only where WebAuthn works; without
// JavaScript or WebAuthn they stay hidden and every other way in is there.
// Options come from the server as JSON; PublicKeyCredential's JSON helpers
// are used where the browser has them, a base64url fallback elsewhere.
// Copy lives in the page (data-* attributes), so it stays in src/i18n/es.ts.
export const passkeyScript = `
const PKC = window.PublicKeyCredential
const supported = Boolean(PKC && navigator.credentials && window.isSecureContext)

const toBytes = (text) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0)).buffer
}
const toText = (buffer) => {
  let binary = ''
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '')
}
const withIds = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }))

function creationOptions(json) {
  if (PKC.parseCreationOptionsFromJSON) return PKC.parseCreationOptionsFromJSON(json)
  return { ...json, challenge: toBytes(json.challenge), user: { ...json.user, id: toBytes(json.user.id) }, excludeCredentials: withIds(json.excludeCredentials) }
}

function requestOptions(json) {
  if (PKC.parseRequestOptionsFromJSON) return PKC.parseRequestOptionsFromJSON(json)
  return { ...json, challenge: toBytes(json.challenge), allowCredentials: withIds(json.allowCredentials) }
}

// Some password-manager extensions hand back credentials whose toJSON throws.
function credentialJSON(credential) {
  try {
    if (typeof credential.toJSON === 'function') return credential.toJSON()
  } catch {}
  const r = credential.response
  const response = { clientDataJSON: toText(r.clientDataJSON) }
  if (r.attestationObject) {
    response.attestationObject = toText(r.attestationObject)
    response.transports = r.getTransports ? r.getTransports() : []
  } else {
    response.authenticatorData = toText(r.authenticatorData)
    response.signature = toText(r.signature)
    if (r.userHandle) response.userHandle = toText(r.userHandle)
  }
  return { id: credential.id, rawId: toText(credential.rawId), type: credential.type, response, authenticatorAttachment: credential.authenticatorAttachment, clientExtensionResults: credential.getClientExtensionResults() }
}

// Same-origin form posts (the CSRF check applies); the answer is JSON.
async function post(url, fields) {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), headers: { Accept: 'application/json' } })
  let data = null
  try { data = await response.json() } catch {}
  return { ok: response.ok, data: data || {} }
}

function say(element, text) {
  element.textContent = text
  element.hidden = !text
}

const signIn = document.getElementById('passkey-sign-in')
if (signIn && supported) {
  const button = signIn.querySelector('button')
  const message = document.getElementById('passkey-sign-in-error')
  const next = document.querySelector('input[name="next"]')
  // Only one credentials.get at a time: the button aborts the autofill's first.
  let pending = null

  async function run(mediation) {
    pending?.abort()
    const controller = new AbortController()
    pending = controller
    const options = await post('/login/passkey/options', {})
    if (!options.ok) throw new Error('options')
    if (controller.signal.aborted) return
    const credential = await navigator.credentials.get({ publicKey: requestOptions(options.data), mediation, signal: controller.signal })
    if (pending === controller) pending = null
    if (!credential) return
    const result = await post('/login/passkey', { credential: JSON.stringify(credentialJSON(credential)), next: next ? next.value : '' })
    if (result.ok && result.data.redirect) return location.assign(result.data.redirect)
    say(message, result.data.error || signIn.dataset.failed)
    throw new Error('refused')
  }

  // The browser's autofill offers passkeys in the email field (autocomplete="username webauthn").
  async function offerInAutofill() {
    try {
      if (!(await PKC.isConditionalMediationAvailable?.())) return
      await run('conditional')
    } catch {} // aborted by the button, dismissed, or already said
  }

  signIn.hidden = false
  button.addEventListener('click', async () => {
    say(message, '')
    button.disabled = true
    try {
      await run(undefined)
      return
    } catch (error) {
      if (error.name === 'NotAllowedError') say(message, signIn.dataset.cancelled)
      else if (error.name !== 'AbortError' && !message.textContent) say(message, signIn.dataset.failed)
    } finally {
      button.disabled = false
    }
    offerInAutofill()
  })
  offerInAutofill()
}

const list = document.getElementById('llaves')
if (list && supported) {
  const form = document.getElementById('passkey-add')
  const message = document.getElementById('passkey-add-error')
  list.hidden = false
  form.hidden = false
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    say(message, '')
    const button = form.querySelector('button[type="submit"]')
    button.disabled = true
    try {
      // The profile's one "Contraseña actual" (in its own form), when an old session shows it.
      const current = document.getElementById('current_password')
      const fields = Object.fromEntries(new FormData(form))
      if (current) fields.current_password = current.value
      const options = await post(form.action, fields)
      if (!options.ok) {
        say(message, options.data.error || form.dataset.failed)
        if (current && options.data.field === 'current_password') current.focus()
        return
      }
      const credential = await navigator.credentials.create({ publicKey: creationOptions(options.data) })
      const result = await post('/profile/passkeys', { credential: JSON.stringify(credentialJSON(credential)) })
      if (result.ok && result.data.redirect) return location.assign(result.data.redirect)
      say(message, result.data.error || form.dataset.failed)
    } catch (error) {
      const name = error && error.name
      say(message, name === 'InvalidStateError' ? form.dataset.exists : name === 'NotAllowedError' ? form.dataset.cancelled : form.dataset.failed)
    } finally {
      button.disabled = false
    }
  })

  // Tell the device which of its passkeys for this account still count, so a deleted one stops being offered.
  const userId = list.dataset.userId
  if (userId && PKC.signalAllAcceptedCredentials) {
    const ids = [...list.querySelectorAll('[data-credential-id]')].map((item) => item.dataset.credentialId)
    PKC.signalAllAcceptedCredentials({ rpId: list.dataset.rpId, userId, allAcceptedCredentialIds: ids }).catch(() => {})
  }
}
`
